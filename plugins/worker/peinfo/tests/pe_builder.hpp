// Builds small, valid PE32 and PE32+ files for worker:peinfo's tests, so that no
// binary is committed: DOS header with a rich header, three sections (.text, .rdata,
// .rsrc), imports by name and by ordinal (kernel32, ws2_32), exports (named and
// ordinal-only), a CodeView debug entry (RSDS), a TLS directory with two callbacks,
// a VS_VERSIONINFO resource, an overlay and optionally an Authenticode-like
// certificate table (a PKCS#7 SignedData holding a self-signed certificate).
#pragma once

#include <openssl/evp.h>
#include <openssl/pkcs7.h>
#include <openssl/x509.h>

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace peinfo_test {

struct PeSpec {
  bool pe32_plus = false;
  bool dll = true;
  bool certificate = false;
  std::string overlay = "OVERLAY-DATA";
};

constexpr std::uint32_t kTimestamp = 0x5F5E1000;
constexpr std::uint64_t kImageBase32 = 0x10000000;
constexpr std::uint64_t kImageBase64 = 0x180000000ULL;
constexpr std::string_view kPdbPath = "C:\\build\\peinfo_test.pdb";
constexpr std::string_view kCertificateSubject = "CN=peinfo test signer,O=stoq";

class Buffer {
 public:
  explicit Buffer(std::size_t size = 0) : bytes_(size, '\0') {}
  void put(std::size_t at, const void* data, std::size_t size) {
    if (bytes_.size() < at + size) bytes_.resize(at + size, '\0');
    std::memcpy(bytes_.data() + at, data, size);
  }
  void u8(std::size_t at, std::uint8_t v) { put(at, &v, 1); }
  void u16(std::size_t at, std::uint16_t v) { put(at, &v, 2); }
  void u32(std::size_t at, std::uint32_t v) { put(at, &v, 4); }
  void u64(std::size_t at, std::uint64_t v) { put(at, &v, 8); }
  void str(std::size_t at, std::string_view s) { put(at, s.data(), s.size()); }
  [[nodiscard]] std::size_t size() const { return bytes_.size(); }
  std::string& bytes() { return bytes_; }

 private:
  std::string bytes_;
};

inline std::string utf16(std::string_view ascii) {
  std::string out;
  for (char c : ascii) {
    out.push_back(c);
    out.push_back('\0');
  }
  return out;
}

inline void pad4(std::string& s) {
  while (s.size() % 4 != 0) s.push_back('\0');
}

// A version-resource block: wLength, wValueLength, wType, key, value, children.
inline std::string version_block(std::string_view key, const std::string& value, std::uint16_t value_length,
                                 std::uint16_t type, const std::vector<std::string>& children) {
  std::string out(6, '\0');
  out += utf16(key) + std::string(2, '\0');
  pad4(out);
  out += value;
  for (const std::string& child : children) {
    pad4(out);
    out += child;
  }
  const auto length = static_cast<std::uint16_t>(out.size());
  std::memcpy(out.data(), &length, 2);
  std::memcpy(out.data() + 2, &value_length, 2);
  std::memcpy(out.data() + 4, &type, 2);
  return out;
}

inline std::string version_string(std::string_view key, std::string_view value) {
  return version_block(key, utf16(value) + std::string(2, '\0'), static_cast<std::uint16_t>(value.size() + 1), 1, {});
}

inline std::string version_info() {
  Buffer fixed(52);
  fixed.u32(0, 0xFEEF04BD);
  fixed.u32(4, 0x00010000);
  fixed.u32(8, 0x00010002);   // 1.2
  fixed.u32(12, 0x00030004);  // .3.4
  fixed.u32(16, 0x00010002);
  fixed.u32(20, 0x00030004);
  fixed.u32(24, 0x3F);
  fixed.u32(32, 0x40004);  // VOS_NT_WINDOWS32
  fixed.u32(36, 2);        // VFT_DLL
  std::string table =
      version_block("040904b0", "", 0, 1,
                    {version_string("CompanyName", "stoq test"), version_string("FileDescription", "peinfo test image"),
                     version_string("FileVersion", "1.2.3.4"), version_string("OriginalFilename", "peinfo_test.dll")});
  std::string strings = version_block("StringFileInfo", "", 0, 1, {table});
  std::string translation = version_block("Translation", std::string("\x09\x04\xb0\x04", 4), 4, 0, {});
  std::string vars = version_block("VarFileInfo", "", 0, 1, {translation});
  return version_block("VS_VERSION_INFO", fixed.bytes(), 52, 0, {strings, vars});
}

// A degenerate PKCS#7 SignedData carrying one self-signed certificate.
inline std::string pkcs7_with_certificate() {
  std::string der;
  EVP_PKEY* key = EVP_EC_gen("P-256");
  X509* cert = X509_new();
  X509_set_version(cert, 2);
  ASN1_INTEGER_set(X509_get_serialNumber(cert), 0x1234);
  X509_gmtime_adj(X509_getm_notBefore(cert), 0);
  X509_gmtime_adj(X509_getm_notAfter(cert), 86400);
  X509_NAME* name = X509_get_subject_name(cert);
  X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC, reinterpret_cast<const unsigned char*>("stoq"), -1, -1, 0);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>("peinfo test signer"), -1,
                             -1, 0);
  X509_set_issuer_name(cert, name);
  X509_set_pubkey(cert, key);
  X509_sign(cert, key, EVP_sha256());
  PKCS7* p7 = PKCS7_new();
  PKCS7_set_type(p7, NID_pkcs7_signed);
  PKCS7_content_new(p7, NID_pkcs7_data);
  PKCS7_add_certificate(p7, cert);
  unsigned char* out = nullptr;
  const int length = i2d_PKCS7(p7, &out);
  if (length > 0) der.assign(reinterpret_cast<const char*>(out), static_cast<std::size_t>(length));
  OPENSSL_free(out);
  PKCS7_free(p7);
  X509_free(cert);
  EVP_PKEY_free(key);
  return der;
}

/// The whole file. Layout: headers 0x000-0x3FF, .text at RVA 0x1000 (file 0x400),
/// .rdata at RVA 0x2000 (file 0x600, 0x600 bytes), .rsrc at RVA 0x3000 (file 0xC00).
inline std::string build_pe(const PeSpec& spec) {
  const bool p64 = spec.pe32_plus;
  const std::uint64_t image_base = p64 ? kImageBase64 : kImageBase32;
  Buffer pe(0x1000);
  // DOS header, stub text, rich header at 0x80 (key 0x11223344: two entries).
  pe.str(0, "MZ");
  pe.u32(0x3C, 0x100);
  pe.str(0x4E, "This program cannot be run in DOS mode.\r\r\n$");
  const std::uint32_t key = 0x11223344;
  pe.u32(0x80, 0x536E6144 ^ key);
  pe.u32(0x84, key);
  pe.u32(0x88, key);
  pe.u32(0x8C, key);
  pe.u32(0x90, 0x00FF7809 ^ key);  // compid: product 0xFF, build 30729
  pe.u32(0x94, 3 ^ key);
  pe.u32(0x98, 0x01047A64 ^ key);
  pe.u32(0x9C, 17 ^ key);
  pe.str(0xA0, "Rich");
  pe.u32(0xA4, key);
  // NT headers.
  pe.str(0x100, std::string("PE\0\0", 4));
  pe.u16(0x104, p64 ? 0x8664 : 0x014C);
  pe.u16(0x106, 3);
  pe.u32(0x108, kTimestamp);
  const std::uint16_t optional_size = p64 ? 0xF0 : 0xE0;
  pe.u16(0x114, optional_size);
  pe.u16(0x116, static_cast<std::uint16_t>((p64 ? 0x0022 : 0x0102) | (spec.dll ? 0x2000 : 0)));
  const std::size_t opt = 0x118;
  pe.u16(opt, p64 ? 0x20B : 0x10B);
  pe.u8(opt + 2, 14);
  pe.u8(opt + 3, 29);
  pe.u32(opt + 4, 0x200);
  pe.u32(opt + 16, 0x1000);  // entry point
  pe.u32(opt + 20, 0x1000);
  if (p64) {
    pe.u64(opt + 24, image_base);
  } else {
    pe.u32(opt + 24, 0x2000);
    pe.u32(opt + 28, static_cast<std::uint32_t>(image_base));
  }
  pe.u32(opt + 32, 0x1000);
  pe.u32(opt + 36, 0x200);
  pe.u16(opt + 40, 6);
  pe.u16(opt + 48, 6);
  pe.u32(opt + 56, 0x4000);
  pe.u32(opt + 60, 0x400);
  pe.u16(opt + 68, 2);       // IMAGE_SUBSYSTEM_WINDOWS_GUI
  pe.u16(opt + 70, 0x0140);  // DYNAMIC_BASE | NX_COMPAT
  const std::size_t dirs = opt + (p64 ? 112 : 96);
  pe.u32(dirs - 4, 16);
  auto directory = [&](int index, std::uint32_t rva, std::uint32_t size) {
    pe.u32(dirs + (index * 8), rva);
    pe.u32(dirs + (index * 8) + 4, size);
  };
  directory(0, 0x2300, 0x80);   // exports
  directory(1, 0x2000, 60);     // imports: two descriptors and the terminator
  directory(2, 0x3000, 0x300);  // resources
  directory(6, 0x2400, 28);     // debug
  directory(9, 0x2480, p64 ? 40 : 24);
  // Section table.
  const std::size_t table = opt + optional_size;
  auto section = [&](int index, std::string_view name, std::uint32_t vsize, std::uint32_t va, std::uint32_t rsize,
                     std::uint32_t raw, std::uint32_t flags) {
    const std::size_t at = table + (index * 40);
    pe.str(at, name);
    pe.u32(at + 8, vsize);
    pe.u32(at + 12, va);
    pe.u32(at + 16, rsize);
    pe.u32(at + 20, raw);
    pe.u32(at + 36, flags);
  };
  section(0, ".text", 0x20, 0x1000, 0x200, 0x400, 0x60000020);
  section(1, ".rdata", 0x520, 0x2000, 0x600, 0x600, 0x40000040);
  section(2, ".rsrc", 0x300, 0x3000, 0x400, 0xC00, 0x40000040);
  // .text: a few instructions (xor eax,eax; ret; then a TLS callback that returns).
  pe.str(0x400, "\x31\xC0\xC3\xC3\x90\x90\x90\x90\x55\x8B\xEC\x5D\xC3");
  // .rdata: RVA r lives at file offset r - 0x2000 + 0x600.
  auto at = [](std::uint32_t rva) -> std::size_t { return rva - 0x2000 + 0x600; };
  const std::size_t thunk = p64 ? 8 : 4;
  auto put_thunk = [&](std::uint32_t rva, std::uint64_t value) {
    if (p64) {
      pe.u64(at(rva), value);
    } else {
      pe.u32(at(rva), static_cast<std::uint32_t>(value));
    }
  };
  const std::uint64_t by_ordinal = p64 ? (1ULL << 63) : 0x80000000ULL;
  // Hint/name entries and DLL names.
  pe.u16(at(0x2100), 0x1A);
  pe.str(at(0x2102), "GetProcAddress");
  pe.u16(at(0x2120), 0x2B);
  pe.str(at(0x2122), "LoadLibraryA");
  pe.u16(at(0x2140), 0);
  pe.str(at(0x2142), "ExitProcess");
  pe.str(at(0x2180), "KERNEL32.dll");
  pe.str(at(0x21A0), "WS2_32.dll");
  // kernel32: ILT at 0x2040, IAT at 0x20C0; ws2_32: ILT at 0x2080, IAT at 0x20E0.
  const std::vector<std::uint64_t> kernel32 = {0x2100, 0x2120, 0x2140};
  const std::vector<std::uint64_t> ws2_32 = {by_ordinal | 23, by_ordinal | 115, by_ordinal | 499};
  for (std::size_t i = 0; i < kernel32.size(); ++i) {
    put_thunk(static_cast<std::uint32_t>(0x2040 + (i * thunk)), kernel32[i]);
    put_thunk(static_cast<std::uint32_t>(0x20C0 + (i * thunk)), kernel32[i]);
  }
  for (std::size_t i = 0; i < ws2_32.size(); ++i) {
    put_thunk(static_cast<std::uint32_t>(0x2080 + (i * thunk)), ws2_32[i]);
    put_thunk(static_cast<std::uint32_t>(0x20E0 + (i * thunk)), ws2_32[i]);
  }
  pe.u32(at(0x2000), 0x2040);
  pe.u32(at(0x200C), 0x2180);
  pe.u32(at(0x2010), 0x20C0);
  pe.u32(at(0x2014), 0x2080);
  pe.u32(at(0x2020), 0x21A0);
  pe.u32(at(0x2024), 0x20E0);
  // Exports at 0x2300: base 1, three functions (ordinal 3 has no name), two names.
  pe.u32(at(0x2304), kTimestamp);
  pe.u32(at(0x230C), 0x2360);
  pe.u32(at(0x2310), 1);
  pe.u32(at(0x2314), 3);
  pe.u32(at(0x2318), 2);
  pe.u32(at(0x231C), 0x2330);
  pe.u32(at(0x2320), 0x2340);
  pe.u32(at(0x2324), 0x2348);
  pe.u32(at(0x2330), 0x1000);
  pe.u32(at(0x2334), 0x1003);
  pe.u32(at(0x2338), 0x1008);
  pe.u32(at(0x2340), 0x2370);
  pe.u32(at(0x2344), 0x2380);
  pe.u16(at(0x2348), 0);
  pe.u16(at(0x234A), 1);
  pe.str(at(0x2360), "peinfo_test.dll");
  pe.str(at(0x2370), "AlphaFunction");
  pe.str(at(0x2380), "BetaFunction");
  // Debug directory at 0x2400: CodeView RSDS record at 0x2420.
  const std::uint32_t record_size = 24 + static_cast<std::uint32_t>(kPdbPath.size()) + 1;
  pe.u32(at(0x2404), kTimestamp);
  pe.u32(at(0x240C), 2);
  pe.u32(at(0x2410), record_size);
  pe.u32(at(0x2414), 0x2420);
  pe.u32(at(0x2418), static_cast<std::uint32_t>(at(0x2420)));
  pe.str(at(0x2420), "RSDS");
  pe.str(at(0x2424), "\x01\x23\x45\x67\x89\xAB\xCD\xEF\x10\x32\x54\x76\x98\xBA\xDC\xFE");
  pe.u32(at(0x2434), 7);
  pe.str(at(0x2438), kPdbPath);
  // TLS directory at 0x2480; callbacks (VAs) at 0x24C0: .text+8 and .text+3, then 0.
  if (p64) {
    pe.u64(at(0x2498), image_base + 0x24C0);
  } else {
    pe.u32(at(0x248C), static_cast<std::uint32_t>(image_base + 0x24C0));
  }
  put_thunk(0x24C0, image_base + 0x1008);
  put_thunk(static_cast<std::uint32_t>(0x24C0 + thunk), image_base + 0x1003);
  // .rsrc at 0x3000 (file 0xC00): RT_VERSION / 1 / 0x409 -> data entry -> VS_VERSIONINFO at 0x3100.
  auto rs = [](std::uint32_t rva) -> std::size_t { return rva - 0x3000 + 0xC00; };
  pe.u16(rs(0x300E), 1);
  pe.u32(rs(0x3010), 16);
  pe.u32(rs(0x3014), 0x80000018);
  pe.u16(rs(0x3018 + 14), 1);
  pe.u32(rs(0x3028), 1);
  pe.u32(rs(0x302C), 0x80000030);
  pe.u16(rs(0x3030 + 14), 1);
  pe.u32(rs(0x3040), 0x409);
  pe.u32(rs(0x3044), 0x48);
  const std::string version = version_info();
  pe.u32(rs(0x3048), 0x3100);
  pe.u32(rs(0x304C), static_cast<std::uint32_t>(version.size()));
  pe.str(rs(0x3100), version);
  std::string file = pe.bytes();
  file.resize(0x1000, '\0');
  if (spec.certificate) {
    const std::string der = pkcs7_with_certificate();
    Buffer cert(8);
    cert.u32(0, static_cast<std::uint32_t>(8 + der.size()));
    cert.u16(4, 0x0200);
    cert.u16(6, 2);
    cert.str(8, der);
    std::string entry = cert.bytes();
    while (entry.size() % 8 != 0) entry.push_back('\0');
    const auto offset = static_cast<std::uint32_t>(file.size());
    std::memcpy(file.data() + dirs + (4 * 8), &offset, 4);
    const auto size = static_cast<std::uint32_t>(entry.size());
    std::memcpy(file.data() + dirs + (4 * 8) + 4, &size, 4);
    file += entry;
  }
  file += spec.overlay;
  return file;
}

}  // namespace peinfo_test
