// worker:peinfo: the Authenticode signature. The security directory's address is a
// file offset (not an RVA); it holds WIN_CERTIFICATE entries, each 8-byte aligned. A
// PKCS#7 SignedData entry (type 2) is decoded with OpenSSL to list its certificates.
// Nothing is verified: no hash of the image is compared and no trust store is used.
#include <openssl/asn1.h>
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/pkcs7.h>
#include <openssl/x509.h>

#include <memory>
#include <string>

#include "pe_extras.hpp"

namespace stoq::plugins::worker::peinfo {
namespace {

constexpr std::uint16_t kPkcsSignedData = 2;
constexpr std::size_t kWinCertificateHeader = 8;

struct BioFree {
  void operator()(BIO* bio) const { BIO_free(bio); }
};
struct Pkcs7Free {
  void operator()(PKCS7* p7) const { PKCS7_free(p7); }
};

std::string bio_text(BIO* bio) {
  char* data = nullptr;
  const long length = BIO_get_mem_data(bio, &data);  // NOLINT(google-runtime-int): OpenSSL's type
  if (length <= 0 || data == nullptr) return "";
  return {data, static_cast<std::size_t>(length)};
}

std::string name_text(const X509_NAME* name) {
  std::unique_ptr<BIO, BioFree> bio(BIO_new(BIO_s_mem()));
  if (!bio || name == nullptr) return "";
  X509_NAME_print_ex(bio.get(), name, 0, XN_FLAG_RFC2253);
  return text_of(bio_text(bio.get()));
}

std::string time_text(const ASN1_TIME* time) {
  std::unique_ptr<BIO, BioFree> bio(BIO_new(BIO_s_mem()));
  if (!bio || time == nullptr) return "";
  ASN1_TIME_print(bio.get(), time);
  return bio_text(bio.get());
}

std::string serial_text(const ASN1_INTEGER* serial) {
  if (serial == nullptr) return "";
  BIGNUM* number = ASN1_INTEGER_to_BN(serial, nullptr);
  if (number == nullptr) return "";
  char* text = BN_bn2hex(number);
  std::string out = text != nullptr ? text : "";
  OPENSSL_free(text);
  BN_free(number);
  return out;
}

Json certificates_of(PeImage& pe, ByteView der, Json& entry) {
  const unsigned char* cursor = der.data();
  std::unique_ptr<PKCS7, Pkcs7Free> p7(d2i_PKCS7(nullptr, &cursor, static_cast<long>(der.size())));  // NOLINT
  Json certificates = Json::array();
  if (!p7) {
    pe.error("the Authenticode signature is not a readable PKCS#7 structure");
    return certificates;
  }
  if (PKCS7_type_is_signed(p7.get()) == 0 || p7->d.sign == nullptr) {
    pe.error("the Authenticode PKCS#7 structure is not SignedData");
    return certificates;
  }
  STACK_OF(PKCS7_SIGNER_INFO)* signers = PKCS7_get_signer_info(p7.get());
  entry["signers"] = signers != nullptr ? sk_PKCS7_SIGNER_INFO_num(signers) : 0;
  STACK_OF(X509)* certs = p7->d.sign->cert;
  const int count = certs != nullptr ? sk_X509_num(certs) : 0;
  for (int i = 0; i < count; ++i) {
    if (certificates.size() >= pe.limits.max_certificates) {
      pe.error("more than " + std::to_string(pe.limits.max_certificates) + " certificates (max_certificates)");
      break;
    }
    X509* cert = sk_X509_value(certs, i);
    if (cert == nullptr) continue;
    Json item = Json::object();
    item["subject"] = name_text(X509_get_subject_name(cert));
    item["issuer"] = name_text(X509_get_issuer_name(cert));
    item["serial"] = serial_text(X509_get0_serialNumber(cert));
    item["not_before"] = time_text(X509_get0_notBefore(cert));
    item["not_after"] = time_text(X509_get0_notAfter(cert));
    certificates.push_back(std::move(item));
  }
  return certificates;
}

}  // namespace

Json parse_signature(PeImage& pe) {
  const DataDirectory directory = pe.directory(kSecurityDir);
  if (directory.rva == 0 || directory.size == 0) return nullptr;
  Json out = Json::object();
  out["offset"] = directory.rva;
  out["size"] = directory.size;
  ByteView table = pe.data.tail(directory.rva).head(directory.size);
  if (table.size() < directory.size) {
    out["truncated"] = true;
    pe.error("the security directory runs past the end of the file");
  }
  Json entries = Json::array();
  std::size_t at = 0;
  while (at + kWinCertificateHeader <= table.size()) {
    if (entries.size() >= pe.limits.max_certificates) {
      pe.error("more than " + std::to_string(pe.limits.max_certificates) + " WIN_CERTIFICATE entries");
      break;
    }
    const std::uint32_t length = table.read_le<std::uint32_t>(at).value_or(0);
    const std::uint16_t revision = table.read_le<std::uint16_t>(at + 4).value_or(0);
    const std::uint16_t type = table.read_le<std::uint16_t>(at + 6).value_or(0);
    if (length < kWinCertificateHeader) {
      pe.error("WIN_CERTIFICATE entry with an invalid length " + std::to_string(length));
      break;
    }
    Json entry = Json::object();
    entry["length"] = length;
    entry["revision"] = hex(revision);
    entry["type"] = type;
    ByteView content = table.tail(at + kWinCertificateHeader).head(length - kWinCertificateHeader);
    if (type == kPkcsSignedData) entry["certificates"] = certificates_of(pe, content, entry);
    entries.push_back(std::move(entry));
    at += (std::size_t{length} + 7) & ~std::size_t{7};
  }
  out["signed"] = !entries.empty();
  out["entries"] = std::move(entries);
  return out;
}

}  // namespace stoq::plugins::worker::peinfo
