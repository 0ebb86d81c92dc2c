#include "sync/server/http/gate_socket.hpp"

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <openssl/err.h>
#include <poll.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

#include <fmt/format.h>

namespace chasqui::sync {

ssize_t GateSocket::receive(char* buf, std::size_t size) {
    if (ssl == nullptr) {
        const ssize_t n = ::recv(fd, buf, size, 0);
        if (n > 0) return n;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) return 0;
        return -1;
    }
    ERR_clear_error();
    const int n = SSL_read(ssl, buf, static_cast<int>(std::min<std::size_t>(size, 1 << 20)));
    return n > 0 ? n : tlsWait(n);
}

ssize_t GateSocket::transmit(const char* buf, std::size_t size) {
    if (ssl == nullptr) {
        const ssize_t n = ::send(fd, buf, size, MSG_NOSIGNAL);
        if (n >= 0) return n;
        if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) return 0;
        return -1;
    }
    ERR_clear_error();
    const int n = SSL_write(ssl, buf, static_cast<int>(std::min<std::size_t>(size, 1 << 20)));
    return n > 0 ? n : tlsWait(n);
}

int GateSocket::handshake() {
    ERR_clear_error();
    const int r = SSL_do_handshake(ssl);
    if (r == 1) {
        wants = 0;
        return 1;
    }
    return tlsWait(r) < 0 ? -1 : 0;
}

ssize_t GateSocket::tlsWait(int result) {
    const int e = SSL_get_error(ssl, result);
    if (e == SSL_ERROR_WANT_READ) {
        wants = POLLIN;
    } else if (e == SSL_ERROR_WANT_WRITE) {
        wants = POLLOUT;
    } else {
        return -1;
    }
    return 0;
}

void GateSocket::close() {
    if (ssl != nullptr) {
        ERR_clear_error();
        (void)SSL_shutdown(ssl);  // best effort close_notify
        SSL_free(ssl);
        ssl = nullptr;
    }
    if (fd >= 0) ::close(fd);
    fd = -1;
}

SSL_CTX* loadTlsContext(const std::string& certFile, const std::string& keyFile, std::string& error) {
    SSL_CTX* ctx = SSL_CTX_new(TLS_server_method());
    if (ctx == nullptr) {
        error = "OpenSSL could not make a TLS context";
        return nullptr;
    }
    SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
    SSL_CTX_set_mode(ctx, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
    if (SSL_CTX_use_certificate_chain_file(ctx, certFile.c_str()) != 1 ||
        SSL_CTX_use_PrivateKey_file(ctx, keyFile.c_str(), SSL_FILETYPE_PEM) != 1 ||
        SSL_CTX_check_private_key(ctx) != 1) {
        SSL_CTX_free(ctx);
        error = fmt::format("cannot load the TLS certificate {} or key {} (PEM files)", certFile, keyFile);
        return nullptr;
    }
    return ctx;
}

int listenOn(const std::string& host, int port, int& boundPort) {
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_PASSIVE | AI_NUMERICHOST | AI_NUMERICSERV;
    addrinfo* found = nullptr;
    if (::getaddrinfo(host.c_str(), std::to_string(port).c_str(), &hints, &found) != 0 || found == nullptr) return -1;
    const int fd = ::socket(found->ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    const int one = 1;
    const bool ok = fd >= 0 && ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) == 0 &&
                    ::bind(fd, found->ai_addr, found->ai_addrlen) == 0 && ::listen(fd, 1024) == 0;
    ::freeaddrinfo(found);
    sockaddr_storage bound{};
    socklen_t length = sizeof bound;
    if (!ok || ::getsockname(fd, reinterpret_cast<sockaddr*>(&bound), &length) != 0) {
        if (fd >= 0) ::close(fd);
        return -1;
    }
    (void)peerAddress(bound, boundPort);
    return fd;
}

std::string peerAddress(const sockaddr_storage& addr, int& port) {
    char text[INET6_ADDRSTRLEN] = {};
    if (addr.ss_family == AF_INET) {
        const auto& a = reinterpret_cast<const sockaddr_in&>(addr);
        inet_ntop(AF_INET, &a.sin_addr, text, sizeof text);
        port = ntohs(a.sin_port);
    } else {
        const auto& a = reinterpret_cast<const sockaddr_in6&>(addr);
        inet_ntop(AF_INET6, &a.sin6_addr, text, sizeof text);
        port = ntohs(a.sin6_port);
    }
    return text;
}

}  // namespace chasqui::sync
