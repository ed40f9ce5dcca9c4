// libFuzzer target: parse_terms and XorSearcher::search on arbitrary bytes, checked
// against a naive search (decode the whole buffer under each key, look for each term).
// Input: a flags byte (bit 0 include_plain; bits 1-3 the operations xor, rol, rot, none
// meaning all), a max_hits byte, a terms file up to the first NUL, then the payload.
// The fast search must return exactly the naive search's first max_hits hits.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "xor_scanner.hpp"

namespace xs = stoq::plugins::worker::xorsearch;

namespace {

constexpr std::size_t kMaxTerms = 6;
constexpr std::size_t kMaxPayload = 4096;

std::vector<xs::Hit> naive_search(std::string_view payload, const std::vector<std::string>& terms,
                                  const xs::SearchSettings& settings) {
  std::vector<xs::Hit> hits;
  for (xs::Operation operation : {xs::Operation::Xor, xs::Operation::Rol, xs::Operation::Rot}) {
    if (!settings.operations.at(static_cast<std::size_t>(operation))) continue;
    for (unsigned key = xs::first_key(operation); key <= xs::last_key(operation); ++key) {
      if (operation == xs::Operation::Xor && key == 0 && !settings.include_plain) continue;
      auto k = static_cast<std::uint8_t>(key);
      std::string decoded(payload);
      for (char& c : decoded) c = static_cast<char>(xs::decode_byte(operation, k, static_cast<std::uint8_t>(c)));
      for (std::uint32_t index = 0; index < terms.size(); ++index) {
        std::string encoded = terms[index];
        for (char& c : encoded) c = static_cast<char>(xs::encode_byte(operation, k, static_cast<std::uint8_t>(c)));
        if (operation != xs::Operation::Xor && encoded == terms[index]) continue;
        for (std::size_t at = decoded.find(terms[index]); at != std::string::npos;
             at = decoded.find(terms[index], at + 1)) {
          hits.push_back({at, index, operation, k});
        }
      }
    }
  }
  std::sort(hits.begin(), hits.end(), xs::hit_before);
  return hits;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 2) return 0;
  std::string_view input(reinterpret_cast<const char*>(data), size);
  xs::SearchSettings settings;
  settings.include_plain = (data[0] & 1U) != 0;
  unsigned mask = (data[0] >> 1U) & 7U;
  if (mask == 0) mask = 7;
  settings.operations = {(mask & 1U) != 0, (mask & 2U) != 0, (mask & 4U) != 0};
  settings.max_hits = data[1];
  std::string_view rest = input.substr(2);
  std::size_t nul = rest.find('\0');
  std::string_view terms_text = rest.substr(0, nul);
  std::string_view payload = nul == std::string_view::npos ? std::string_view() : rest.substr(nul + 1);
  payload = payload.substr(0, kMaxPayload);

  std::vector<std::string> terms;
  for (std::string& term : xs::parse_terms(terms_text)) {
    if (term.size() >= xs::kMinTermLength && term.size() <= 64 && terms.size() < kMaxTerms &&
        std::find(terms.begin(), terms.end(), term) == terms.end()) {
      terms.push_back(std::move(term));
    }
  }
  xs::XorSearcher searcher(terms, settings);
  stoq::ByteView bytes(payload);
  xs::SearchResult fast = searcher.search(bytes);
  std::vector<xs::Hit> naive = naive_search(payload, terms, settings);
  bool limited = naive.size() > settings.max_hits;
  if (limited) naive.resize(settings.max_hits);
  if (fast.hits != naive || fast.limited != limited) std::abort();
  for (const xs::Hit& hit : fast.hits) {
    if (xs::XorSearcher::preview(bytes, hit, 50).size() > 50) std::abort();
  }
  return 0;
}
