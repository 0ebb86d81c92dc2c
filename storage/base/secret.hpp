#pragma once
// Fixed-size secret bytes kept in libsodium guarded memory: locked (never
// swapped out), surrounded by guard pages, and wiped when released. Move-only.
#include <cstddef>
#include <span>
#include <string>

namespace chasqui::storage {

// Initializes libsodium once; safe to call from any thread. Aborts the process
// if the library cannot start, because no key could be handled safely then.
void ensureSodium();

class SecretBytes {
public:
    SecretBytes() = default;
    explicit SecretBytes(std::size_t size);  // zero-filled
    static SecretBytes random(std::size_t size);
    SecretBytes(SecretBytes&& other) noexcept;
    SecretBytes& operator=(SecretBytes&& other) noexcept;
    SecretBytes(const SecretBytes&) = delete;
    SecretBytes& operator=(const SecretBytes&) = delete;
    ~SecretBytes();

    unsigned char* data() { return m_data; }
    const unsigned char* data() const { return m_data; }
    std::size_t size() const { return m_size; }
    bool empty() const { return m_size == 0; }
    std::span<const unsigned char> view() const { return {m_data, m_size}; }
    // Wipes and frees now (also done by the destructor).
    void wipe();

private:
    unsigned char* m_data = nullptr;
    std::size_t m_size = 0;
};

// Overwrites a std::string's buffer before it is released; for PINs read from files.
void wipeString(std::string& text);

}  // namespace chasqui::storage
