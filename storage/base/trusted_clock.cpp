#include "storage/base/trusted_clock.hpp"

#include <ctime>

#include <nlohmann/json.hpp>

namespace chasqui::storage {

namespace fs = std::filesystem;

fs::path clockSamplePath(const DataDir& dir) {
    return dir.root / "sync" / "clock.json";
}

std::int64_t SystemBootClock::bootMs() const {
    timespec ts{};
    clock_gettime(CLOCK_BOOTTIME, &ts);
    return static_cast<std::int64_t>(ts.tv_sec) * 1000 + ts.tv_nsec / 1000000;
}

std::string SystemBootClock::bootId() const {
    auto text = readSmallFile("/proc/sys/kernel/random/boot_id", 128);
    if (!text) return {};
    std::string id = *text;
    while (!id.empty() && (id.back() == '\n' || id.back() == ' ')) id.pop_back();
    return id;
}

namespace {

// Unix ms between 2020 and 2200: anything else in the file is not a time.
bool plausibleTime(std::int64_t ms) {
    return ms > 1577836800000 && ms < 7258118400000;
}

const SystemBootClock& systemBoot() {
    static const SystemBootClock boot;
    return boot;
}

}  // namespace

std::optional<ServerTimeSample> loadServerTime(const DataDir& dir) {
    auto text = readSmallFile(clockSamplePath(dir), 4096);
    if (!text) return std::nullopt;
    const auto j = nlohmann::json::parse(*text, nullptr, false);
    if (!j.is_object()) return std::nullopt;
    const auto integer = [&](const char* key) -> std::optional<std::int64_t> {
        const auto it = j.find(key);
        if (it == j.end() || !it->is_number_integer()) return std::nullopt;
        return it->get<std::int64_t>();
    };
    const auto server = integer("server_ms");
    const auto local = integer("local_ms");
    const auto boot = integer("boot_ms");
    const auto bootId = j.find("boot_id");
    if (!server || !local || !boot || bootId == j.end() || !bootId->is_string() || !plausibleTime(*server) || *boot < 0)
        return std::nullopt;
    return ServerTimeSample{*server, *local, bootId->get<std::string>().substr(0, 64), *boot};
}

namespace {
Result<void> writeSample(const DataDir& dir, const ServerTimeSample& sample) {
    std::error_code ec;
    fs::create_directories(clockSamplePath(dir).parent_path(), ec);
    const nlohmann::json j = {{"server_ms", sample.serverMs},
                              {"local_ms", sample.localMs},
                              {"boot_id", sample.bootId},
                              {"boot_ms", sample.bootMs}};
    return writeFileAtomically(clockSamplePath(dir), j.dump() + "\n");
}
}  // namespace

Result<void> saveServerTime(const DataDir& dir, std::int64_t serverMs, const Clock& wall) {
    if (!plausibleTime(serverMs)) return fail(ErrorCode::InvalidInput, "the server's time is not plausible; ignored");
    return writeSample(dir, {serverMs, wall.nowMs(), systemBoot().bootId(), systemBoot().bootMs()});
}

TrustedClock::TrustedClock(DataDir dir, const Clock& wall, const BootClock& boot)
    : m_dir(std::move(dir)), m_wall(wall), m_boot(boot) {
    refresh();
}

TrustedClock::TrustedClock(const Clock& wall, const BootClock& boot) : m_wall(wall), m_boot(boot) {}

void TrustedClock::attach(const DataDir& dir) const {
    {
        std::lock_guard lock(m_mutex);
        m_dir = dir;
    }
    refresh();
}

void TrustedClock::refresh() const {
    std::optional<DataDir> dir;
    {
        std::lock_guard lock(m_mutex);
        dir = m_dir;
    }
    if (!dir) return;
    auto sample = loadServerTime(*dir);
    const bool sameBoot = sample && !sample->bootId.empty() && sample->bootId == m_boot.bootId();
    std::lock_guard lock(m_mutex);
    m_sample = std::move(sample);
    m_sameBoot = sameBoot;
}

void TrustedClock::observeServerTime(std::int64_t serverMs) const {
    if (!plausibleTime(serverMs)) return;
    const ServerTimeSample sample{serverMs, m_wall.nowMs(), m_boot.bootId(), m_boot.bootMs()};
    {
        std::lock_guard lock(m_mutex);
        m_sample = sample;
        m_sameBoot = !sample.bootId.empty();
    }
    std::optional<DataDir> dir;
    {
        std::lock_guard lock(m_mutex);
        dir = m_dir;
    }
    if (dir) (void)writeSample(*dir, sample);
}

std::int64_t TrustedClock::nowMs() const {
    const std::int64_t wall = m_wall.nowMs();
    std::lock_guard lock(m_mutex);
    if (!m_sample) return wall;
    if (m_sameBoot) {
        const std::int64_t elapsed = m_boot.bootMs() - m_sample->bootMs;
        if (elapsed >= 0) return m_sample->serverMs + elapsed;
    }
    return std::max(wall + (m_sample->serverMs - m_sample->localMs), m_sample->serverMs);
}

ClockCheck TrustedClock::check() const {
    ClockCheck out;
    {
        std::lock_guard lock(m_mutex);
        if (!m_sample) return out;
        out.lastContactMs = m_sample->serverMs;
    }
    out.offsetMs = m_wall.nowMs() - nowMs();
    if (out.offsetMs > kClockToleranceMs)
        out.state = ClockCheck::State::Ahead;
    else if (out.offsetMs < -kClockToleranceMs)
        out.state = ClockCheck::State::Behind;
    else
        out.state = ClockCheck::State::Ok;
    return out;
}

ClockCheck checkClock(const DataDir& dir, const Clock& wall) {
    const TrustedClock trusted(dir, wall, systemBoot());
    return trusted.check();
}

}  // namespace chasqui::storage
