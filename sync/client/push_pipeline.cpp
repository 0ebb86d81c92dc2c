#include "sync/client/push_pipeline.hpp"

#include <algorithm>
#include <chrono>
#include <exception>
#include <memory>
#include <system_error>

#include <fmt/format.h>

namespace chasqui::sync {

namespace {

using PushAnswer = SyncResult<std::vector<PushItem>>;

// Nothing may escape the push's thread: an exception is an error of the push.
PushAnswer pushGuarded(ServerChannel& via, const std::string& body) {
    try {
        return via.push(body);
    } catch (const std::exception& e) {
        return syncFail(SyncErrorCode::Internal, std::string("a push failed inside the kiosk: ") + e.what());
    }
}

}  // namespace

SyncResult<PushTally> tallyAnswer(const std::vector<PushItem>& items, std::int64_t sent) {
    PushTally tally;
    std::int64_t total = 0;
    for (const auto& item : items) {
        if (item.count < 0 || (item.status == "quarantined" && item.count != 1))
            return syncFail(SyncErrorCode::BadResponse, "the server's answer to a push is not valid");
        total += item.count;
        if (item.status == "applied") {
            tally.pushed += item.count;
        } else if (item.status == "duplicate") {
            tally.duplicates += item.count;
        } else if (item.status == "quarantined") {
            tally.problems.push_back(item);
        } else {
            return syncFail(SyncErrorCode::BadResponse, "the server's answer to a push is not valid");
        }
    }
    if (sent >= 0 && total != sent)
        return syncFail(
            SyncErrorCode::BadResponse,
            fmt::format("the server answered for {} changes of a batch of {}; the batch stays queued", total, sent));
    return tally;
}

PushPipeline::~PushPipeline() {
    for (auto& f : m_flying)
        if (f.thread.joinable()) f.thread.join();
}

bool PushPipeline::oldestArrived() const {
    return !m_flying.empty() && m_flying.front().answer.wait_for(std::chrono::seconds(0)) == std::future_status::ready;
}

ServerChannel* PushPipeline::freeChannel() {
    const auto inUse = [&](const ServerChannel* channel) {
        return std::any_of(m_flying.begin(), m_flying.end(), [&](const InFlight& f) { return f.via == channel; });
    };
    if (!inUse(&m_channel)) return &m_channel;
    for (const auto& companion : m_companions)
        if (!inUse(companion.get())) return companion.get();
    if (m_noCompanion) return nullptr;
    auto companion = m_channel.companion();
    if (!companion) {
        m_noCompanion = true;
        return nullptr;
    }
    m_companions.push_back(std::move(companion));
    return m_companions.back().get();
}

bool PushPipeline::mayStart(const OutboxName& next) {
    if (m_flying.empty()) return true;
    // Those under way are the batches sealed right before `next`, from the
    // oldest of them on: `next` must share no record with any.
    if (m_flying.size() >= kMaxPushesInFlight || next.independentOf < 0 ||
        next.independentOf > m_flying.front().name.lastSeq)
        return false;
    return freeChannel() != nullptr;
}

void PushPipeline::start(std::filesystem::path file, const OutboxName& name, std::string body) {
    ServerChannel* via = freeChannel();
    if (via == nullptr) {
        // Called without mayStart's yes: the oldest push's channel, once that
        // push is done with it (its answer is set after it returns).
        m_flying.front().answer.wait();
        via = m_flying.front().via;
    }
    InFlight f{std::move(file), name, via, {}, {}};
    auto shared = std::make_shared<const std::string>(std::move(body));
    auto promise = std::make_shared<std::promise<PushAnswer>>();
    f.answer = promise->get_future();
    const auto push = [via, shared, promise, onAnswer = m_onAnswer] {
        promise->set_value(pushGuarded(*via, *shared));
        if (onAnswer) onAnswer();  // after the answer is there to be taken
    };
    try {
        f.thread = std::thread(push);
    } catch (const std::system_error&) {
        push();  // no thread to be had: this push runs here and now
    }
    m_flying.push_back(std::move(f));
}

PushPipeline::Answer PushPipeline::takeOldest() {
    InFlight f = std::move(m_flying.front());
    m_flying.pop_front();
    auto items = f.answer.get();
    if (f.thread.joinable()) f.thread.join();
    return Answer{std::move(f.file), f.name, std::move(items), f.via};
}

}  // namespace chasqui::sync
