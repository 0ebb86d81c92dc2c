#include "storage/base/secret.hpp"

#include <sodium.h>

#include <cstdlib>
#include <mutex>
#include <new>

namespace chasqui::storage {

void ensureSodium() {
    static std::once_flag once;
    std::call_once(once, [] {
        if (sodium_init() < 0) std::abort();
    });
}

SecretBytes::SecretBytes(std::size_t size) : m_size(size) {
    ensureSodium();
    if (size == 0) return;
    m_data = static_cast<unsigned char*>(sodium_malloc(size));
    if (m_data == nullptr) throw std::bad_alloc();
    sodium_memzero(m_data, size);
}

SecretBytes SecretBytes::random(std::size_t size) {
    SecretBytes bytes(size);
    randombytes_buf(bytes.m_data, size);
    return bytes;
}

SecretBytes::SecretBytes(SecretBytes&& other) noexcept : m_data(other.m_data), m_size(other.m_size) {
    other.m_data = nullptr;
    other.m_size = 0;
}

SecretBytes& SecretBytes::operator=(SecretBytes&& other) noexcept {
    if (this != &other) {
        wipe();
        m_data = other.m_data;
        m_size = other.m_size;
        other.m_data = nullptr;
        other.m_size = 0;
    }
    return *this;
}

SecretBytes::~SecretBytes() {
    wipe();
}

void SecretBytes::wipe() {
    if (m_data != nullptr) sodium_free(m_data);  // sodium_free zeroes before freeing
    m_data = nullptr;
    m_size = 0;
}

void wipeString(std::string& text) {
    if (!text.empty()) sodium_memzero(text.data(), text.size());
    text.clear();
    text.shrink_to_fit();
}

}  // namespace chasqui::storage
