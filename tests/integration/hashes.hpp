// Expected hashes computed independently of stoq, with OpenSSL EVP.
#pragma once

#include <openssl/evp.h>

#include <cstdio>
#include <string>
#include <string_view>

namespace stoq_test {

/// Finishes `context` (and frees it): the digest in lowercase hex.
inline std::string finish_digest_hex(EVP_MD_CTX* context) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned length = 0;
  EVP_DigestFinal_ex(context, digest, &length);
  EVP_MD_CTX_free(context);
  std::string hex;
  char pair[3];
  for (unsigned i = 0; i < length; ++i) {
    std::snprintf(pair, sizeof(pair), "%02x", digest[i]);
    hex += pair;
  }
  return hex;
}

inline std::string digest_hex(const EVP_MD* md, std::string_view data) {
  EVP_MD_CTX* context = EVP_MD_CTX_new();
  EVP_DigestInit_ex(context, md, nullptr);
  EVP_DigestUpdate(context, data.data(), data.size());
  return finish_digest_hex(context);
}

struct ExpectedHashes {
  std::string md5, sha1, sha256, sha512;
};

inline ExpectedHashes expected_hashes(std::string_view data) {
  return {digest_hex(EVP_md5(), data), digest_hex(EVP_sha1(), data), digest_hex(EVP_sha256(), data),
          digest_hex(EVP_sha512(), data)};
}

}  // namespace stoq_test
