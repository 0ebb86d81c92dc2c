#include "storage/data_dir.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>

#include <fmt/format.h>

namespace chasqui::storage {

namespace fs = std::filesystem;

DataDir::DataDir(fs::path dir) : root(std::move(dir)) {
    const char* env = std::getenv("CHASQUI_DEVICE_SECRET");
    deviceSecretPath = env != nullptr && *env != '\0' ? fs::path(env) : root / "device.secret";
}

bool DataDir::initialized() const {
    std::error_code ec;
    return fs::exists(keyring(), ec) && fs::exists(personalDb(), ec);
}

namespace {
Error ioError(const fs::path& path, std::string_view what) {
    return Error{ErrorCode::Io,
                 fmt::format("cannot {} {}: {}. Check that the directory exists, is writable and the disk is not full.",
                             what, path.string(), std::strerror(errno)),
                 {}};
}
}  // namespace

Result<void> writeFileAtomically(const fs::path& path, std::string_view content) {
    const fs::path tmp = path.string() + ".tmp";
    const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) return std::unexpected(ioError(tmp, "write"));
    std::size_t done = 0;
    while (done < content.size()) {
        const ssize_t n = ::write(fd, content.data() + done, content.size() - done);
        if (n < 0) {
            if (errno == EINTR) continue;
            ::close(fd);
            return std::unexpected(ioError(tmp, "write"));
        }
        done += static_cast<std::size_t>(n);
    }
    if (::fsync(fd) != 0) {
        ::close(fd);
        return std::unexpected(ioError(tmp, "flush"));
    }
    ::close(fd);
    if (::rename(tmp.c_str(), path.c_str()) != 0) return std::unexpected(ioError(path, "replace"));
    const fs::path parent = path.has_parent_path() ? path.parent_path() : fs::path(".");
    const int dirFd = ::open(parent.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dirFd >= 0) {
        ::fsync(dirFd);
        ::close(dirFd);
    }
    return {};
}

Result<std::string> readSmallFile(const fs::path& path, std::size_t maxBytes) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        return fail(ErrorCode::NotFound, fmt::format("cannot read {}: the file does not exist or is not readable",
                                                     path.string()));
    }
    std::string content;
    content.resize(maxBytes + 1);
    in.read(content.data(), static_cast<std::streamsize>(content.size()));
    content.resize(static_cast<std::size_t>(in.gcount()));
    if (content.size() > maxBytes)
        return fail(ErrorCode::InvalidInput, fmt::format("{} is larger than {} bytes; is it the right file?", path.string(), maxBytes));
    return content;
}

Result<SecretBytes> loadDeviceSecret(const DataDir& dir) {
    auto content = readSmallFile(dir.deviceSecretPath, 64);
    if (!content) {
        return fail(ErrorCode::Damaged, fmt::format("the device secret {} is missing; without it no staff member can "
                                                    "sign in. Re-attach the device-secret storage or restore it.",
                                                    dir.deviceSecretPath.string()));
    }
    if (content->size() != 32) {
        return fail(ErrorCode::Damaged, fmt::format("the device secret {} is damaged (wrong size)", dir.deviceSecretPath.string()));
    }
    SecretBytes secret(32);
    std::memcpy(secret.data(), content->data(), 32);
    wipeString(*content);
    return secret;
}

Result<void> createDeviceSecret(const DataDir& dir) {
    std::error_code ec;
    if (fs::exists(dir.deviceSecretPath, ec)) return {};  // shared by several data directories on one device
    SecretBytes secret = SecretBytes::random(32);
    return writeFileAtomically(dir.deviceSecretPath,
                               std::string_view(reinterpret_cast<const char*>(secret.data()), secret.size()));
}

Result<std::string> readPinFile(const fs::path& path) {
    auto content = readSmallFile(path, 256);
    if (!content) {
        return fail(ErrorCode::NotFound, fmt::format("cannot read the PIN file {}; create it with the PIN on its "
                                                     "first line (chmod 600)",
                                                     path.string()));
    }
    std::string pin = content->substr(0, content->find('\n'));
    wipeString(*content);
    while (!pin.empty() && (pin.back() == '\r' || pin.back() == ' ')) pin.pop_back();
    return pin;
}

}  // namespace chasqui::storage
