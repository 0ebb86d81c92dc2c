#include "sync/protocol/sealed_box.hpp"

#include <sodium.h>
#include <zstd.h>

namespace chasqui::sync {

BoxKeyPair BoxKeyPair::generate() {
    storage::ensureSodium();
    BoxKeyPair pair;
    pair.publicKey.resize(crypto_box_PUBLICKEYBYTES);
    pair.secretKey = storage::SecretBytes(crypto_box_SECRETKEYBYTES);
    crypto_box_keypair(reinterpret_cast<unsigned char*>(pair.publicKey.data()), pair.secretKey.data());
    return pair;
}

std::string compress(std::string_view data, int level) {
    std::string out(ZSTD_compressBound(data.size()), '\0');
    const std::size_t n = ZSTD_compress(out.data(), out.size(), data.data(), data.size(), level);
    out.resize(ZSTD_isError(n) ? 0 : n);
    return out;
}

SyncResult<std::string> decompress(std::string_view data, std::size_t maxBytes) {
    ZSTD_DStream* stream = ZSTD_createDStream();
    ZSTD_initDStream(stream);
    std::string out;
    ZSTD_inBuffer in{data.data(), data.size(), 0};
    std::string chunk(ZSTD_DStreamOutSize(), '\0');
    std::size_t last = 1;
    while (true) {
        ZSTD_outBuffer buffer{chunk.data(), chunk.size(), 0};
        last = ZSTD_decompressStream(stream, &buffer, &in);
        if (ZSTD_isError(last)) {
            ZSTD_freeDStream(stream);
            return syncFail(SyncErrorCode::BadRequest, "the batch is not valid compressed data");
        }
        out.append(chunk.data(), buffer.pos);
        if (out.size() > maxBytes) {
            ZSTD_freeDStream(stream);
            return syncFail(SyncErrorCode::TooLarge, "the batch expands beyond the size limit");
        }
        // All input read: done when the frame ended; when the output chunk
        // came back full, zstd still holds output (a small input that expands
        // a lot), so go on; otherwise the frame needs input that is not there.
        if (in.pos == in.size && (last == 0 || buffer.pos < buffer.size)) break;
    }
    ZSTD_freeDStream(stream);
    if (last != 0) return syncFail(SyncErrorCode::BadRequest, "the batch is truncated");
    return out;
}

SyncResult<std::string> sealCompressed(std::string_view plaintext, std::string_view publicKey, int level) {
    storage::ensureSodium();
    if (publicKey.size() != crypto_box_PUBLICKEYBYTES)
        return syncFail(SyncErrorCode::Internal, "the public key has the wrong size");
    const std::string packed = compress(plaintext, level);
    std::string sealed(packed.size() + crypto_box_SEALBYTES, '\0');
    crypto_box_seal(reinterpret_cast<unsigned char*>(sealed.data()),
                    reinterpret_cast<const unsigned char*>(packed.data()), packed.size(),
                    reinterpret_cast<const unsigned char*>(publicKey.data()));
    return sealed;
}

SyncResult<std::string> openCompressed(std::string_view sealed, std::string_view publicKey,
                                       const storage::SecretBytes& secretKey) {
    storage::ensureSodium();
    if (sealed.size() < crypto_box_SEALBYTES || publicKey.size() != crypto_box_PUBLICKEYBYTES ||
        secretKey.size() != crypto_box_SECRETKEYBYTES)
        return syncFail(SyncErrorCode::BadRequest, "the sealed batch is truncated");
    std::string packed(sealed.size() - crypto_box_SEALBYTES, '\0');
    if (crypto_box_seal_open(reinterpret_cast<unsigned char*>(packed.data()),
                             reinterpret_cast<const unsigned char*>(sealed.data()), sealed.size(),
                             reinterpret_cast<const unsigned char*>(publicKey.data()), secretKey.data()) != 0)
        return syncFail(SyncErrorCode::BadRequest,
                        "the sealed batch does not open: it is damaged or meant for another key");
    return decompress(packed, kMaxOpenedBytes);
}

}  // namespace chasqui::sync
