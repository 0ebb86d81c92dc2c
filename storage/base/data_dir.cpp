#include "storage/base/data_dir.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
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
    // The keyring alone decides: init writes it last. A directory with a keyring
    // but no personal.db lost its store; treating it as new would let init or
    // demo overwrite the keyring, and sign-in reports the store as missing.
    std::error_code ec;
    return fs::exists(fs::symlink_status(keyring(), ec));
}

namespace {
Error ioError(const fs::path& path, std::string_view what) {
    return Error{ErrorCode::Io,
                 fmt::format("cannot {} {}: {}. Check that the directory exists, is writable and the disk is not full.",
                             what, path.string(), std::strerror(errno)),
                 {}};
}

const char* fileKindName(mode_t mode) {
    if (S_ISDIR(mode)) return "a directory";
    if (S_ISFIFO(mode)) return "a named pipe (FIFO)";
    if (S_ISCHR(mode) || S_ISBLK(mode)) return "a device";
    if (S_ISSOCK(mode)) return "a socket";
    return "not a regular file";
}
}  // namespace

Result<void> writeFileAtomically(const fs::path& path, std::string_view content, int& errorNumber) {
    errorNumber = 0;
    const fs::path tmp = path.string() + ".tmp";
    // A partly written temporary file is removed: on a full disk it would hold
    // the very space the next attempt needs.
    const auto failed = [&](int fd, const fs::path& where, std::string_view what) {
        errorNumber = errno;
        if (fd >= 0) ::close(fd);
        ::unlink(tmp.c_str());
        errno = errorNumber;
        return std::unexpected(ioError(where, what));
    };
    // Whatever sits at the temporary name (a leftover, a symlink, a FIFO) is
    // replaced, never written through.
    ::unlink(tmp.c_str());
    const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd < 0) return failed(-1, tmp, "write");
    std::size_t done = 0;
    while (done < content.size()) {
        const ssize_t n = ::write(fd, content.data() + done, content.size() - done);
        if (n < 0) {
            if (errno == EINTR) continue;
            return failed(fd, tmp, "write");
        }
        done += static_cast<std::size_t>(n);
    }
    if (::fsync(fd) != 0) return failed(fd, tmp, "flush");
    ::close(fd);
    if (::rename(tmp.c_str(), path.c_str()) != 0) return failed(-1, path, "replace");
    const fs::path parent = path.has_parent_path() ? path.parent_path() : fs::path(".");
    const int dirFd = ::open(parent.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dirFd >= 0) {
        ::fsync(dirFd);
        ::close(dirFd);
    }
    return {};
}

Result<void> writeFileAtomically(const fs::path& path, std::string_view content) {
    int errorNumber = 0;
    return writeFileAtomically(path, content, errorNumber);
}

Result<std::string> readSmallFile(const fs::path& path, std::size_t maxBytes, ReadableKinds kinds) {
    const bool pipeAllowed = kinds == ReadableKinds::RegularOrPipe;
    // stat first, so that nothing else (a device, a FIFO nobody writes to) is
    // even opened: opening some devices has effects, reading a FIFO waits forever.
    struct stat info {};
    if (::stat(path.c_str(), &info) != 0) {
        if (errno == ENOENT || errno == ENOTDIR) {
            return fail(ErrorCode::NotFound, fmt::format("cannot read {}: the file does not exist", path.string()));
        }
        return std::unexpected(ioError(path, "read"));
    }
    const auto notRegular = [&](mode_t mode) {
        return fail(ErrorCode::InvalidInput,
                    fmt::format("{} is {}, not a regular file; Chasqui only reads regular files here. Remove it and "
                                "put the right file back (from a backup if it is part of the data directory).",
                                path.string(), fileKindName(mode)));
    };
    const bool pipe = S_ISFIFO(info.st_mode);
    if (!S_ISREG(info.st_mode) && !(pipe && pipeAllowed)) return notRegular(info.st_mode);
    // O_NONBLOCK: if the file was swapped for a FIFO since the stat, open does
    // not wait for a writer and fstat below refuses it.
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | (pipe ? 0 : O_NONBLOCK));
    if (fd < 0) return std::unexpected(ioError(path, "read"));
    struct stat opened {};
    if (::fstat(fd, &opened) != 0 || !(S_ISREG(opened.st_mode) || (pipe && S_ISFIFO(opened.st_mode)))) {
        const mode_t mode = opened.st_mode;
        ::close(fd);
        return notRegular(mode);
    }
    // Not trusting st_size: files in /proc report 0, and a file can grow. It
    // only sizes the first buffer (one read past it sees the end); the buffer
    // grows up to maxBytes + 1 as needed. Allocating maxBytes up front cost a
    // zeroed 64 MiB per read of a 20-byte spool file.
    const std::size_t limit = maxBytes + 1;
    const std::size_t hint = static_cast<std::size_t>(std::max<off_t>(opened.st_size, 0)) + 1;
    std::string content(std::min(limit, std::max<std::size_t>(hint, 4096)), '\0');
    std::size_t done = 0;
    while (done < limit) {
        if (done == content.size()) content.resize(std::min(limit, content.size() * 2));
        const ssize_t n = ::read(fd, content.data() + done, content.size() - done);
        if (n < 0) {
            if (errno == EINTR) continue;
            const int saved = errno;
            ::close(fd);
            errno = saved;
            return std::unexpected(ioError(path, "read"));
        }
        if (n == 0) break;
        done += static_cast<std::size_t>(n);
    }
    ::close(fd);
    content.resize(done);
    if (content.size() > maxBytes)
        return fail(ErrorCode::InvalidInput,
                    fmt::format("{} is larger than {} bytes; is it the right file?", path.string(), maxBytes));
    return content;
}

Result<SecretBytes> loadDeviceSecret(const DataDir& dir) {
    auto content = readSmallFile(dir.deviceSecretPath, 64);
    if (!content && content.error().code != ErrorCode::NotFound) {
        return fail(ErrorCode::Damaged, content.error().message, kDeviceSecretPart);
    }
    if (!content) {
        return fail(ErrorCode::Damaged,
                    fmt::format("the device secret {} is missing; without it no staff member can "
                                "sign in. Re-attach the device-secret storage or restore it.",
                                dir.deviceSecretPath.string()),
                    kDeviceSecretPart);
    }
    if (content->size() != 32) {
        wipeString(*content);
        return fail(ErrorCode::Damaged,
                    fmt::format("the device secret {} is damaged (wrong size)", dir.deviceSecretPath.string()),
                    kDeviceSecretPart);
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
    // A pipe is allowed so scripts can pass the PIN without a file on disk
    // (`--pin-file <(pass show kiosk-pin)`).
    auto content = readSmallFile(path, 256, ReadableKinds::RegularOrPipe);
    if (!content && content.error().code != ErrorCode::NotFound) return std::unexpected(content.error());
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
