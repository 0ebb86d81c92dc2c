#pragma once
// The byte stream of one connection for ConnectionGate: plain TCP or TLS
// (OpenSSL), always non-blocking, and the listening socket it comes from.
#include <openssl/ssl.h>
#include <sys/socket.h>
#include <sys/types.h>

#include <cstddef>
#include <string>

namespace chasqui::sync {

struct GateSocket {
    int fd = -1;
    SSL* ssl = nullptr;  // owned; nullptr for plain HTTP
    short wants = 0;     // POLLIN or POLLOUT an unfinished TLS call waits for

    // Each: >0 bytes moved; 0 would block (`wants` says for what, under TLS);
    // -1 the peer closed or the connection failed.
    ssize_t receive(char* buf, std::size_t size);
    ssize_t transmit(const char* buf, std::size_t size);
    // TLS only: 1 done, 0 not yet, -1 failed.
    int handshake();
    void close();  // idempotent

private:
    ssize_t tlsWait(int result);
};

// A TLS server context from PEM files (TLS 1.2 or later), or nullptr with
// the reason in `error`.
SSL_CTX* loadTlsContext(const std::string& certFile, const std::string& keyFile, std::string& error);
// A non-blocking listening socket on a literal address, or -1; `boundPort`
// gets the port (a free one when `port` is 0).
int listenOn(const std::string& host, int port, int& boundPort);
// The text form of an accepted peer's address, and its port.
std::string peerAddress(const sockaddr_storage& addr, int& port);

}  // namespace chasqui::sync
