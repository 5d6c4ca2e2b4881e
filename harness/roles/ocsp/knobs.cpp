#include "harness/roles/ocsp/knobs.h"

#include <array>
#include <charconv>
#include <utility>

#include <openssl/ocsp.h>

namespace hnbsec::ocsp {

namespace {

constexpr std::array<std::pair<std::string_view, SignerChoice>, 4> kSigners = {{
    {"delegated", SignerChoice::kDelegated},
    {"ca", SignerChoice::kCa},
    {"no-eku", SignerChoice::kNoEku},
    {"other-ca", SignerChoice::kOtherCa},
}};

constexpr std::array<std::pair<std::string_view, NonceMode>, 3> kNonces = {{
    {"echo", NonceMode::kEcho},
    {"omit", NonceMode::kOmit},
    {"wrong", NonceMode::kWrong},
}};

// RFC 6960 §4.2.1 OCSPResponseStatus.
constexpr std::array<std::pair<std::string_view, int>, 6> kStatuses = {{
    {"successful", OCSP_RESPONSE_STATUS_SUCCESSFUL},
    {"malformedRequest", OCSP_RESPONSE_STATUS_MALFORMEDREQUEST},
    {"internalError", OCSP_RESPONSE_STATUS_INTERNALERROR},
    {"tryLater", OCSP_RESPONSE_STATUS_TRYLATER},
    {"sigRequired", OCSP_RESPONSE_STATUS_SIGREQUIRED},
    {"unauthorized", OCSP_RESPONSE_STATUS_UNAUTHORIZED},
}};

template <typename T, std::size_t N>
std::string_view name_of(const std::array<std::pair<std::string_view, T>, N>& table, T value) {
    for (const auto& [name, v] : table) {
        if (v == value) return name;
    }
    return "?";
}

template <typename T, std::size_t N>
Status parse_into(const std::array<std::pair<std::string_view, T>, N>& table, std::string_view knob,
                  std::string_view value, T& out) {
    for (const auto& [name, v] : table) {
        if (name == value) {
            out = v;
            return Ok{};
        }
    }
    std::string choices;
    for (const auto& [name, v] : table) choices += (choices.empty() ? "" : "|") + std::string(name);
    return Error("OCSP knob " + std::string(knob) + "='" + std::string(value) + "': expected " + choices);
}

}  // namespace

std::string_view response_status_name(int status) {
    for (const auto& [name, v] : kStatuses) {
        if (v == status) return name;
    }
    return "?";
}

std::string describe(const Knobs& knobs) {
    std::string text;
    auto add = [&text](const std::string& part) { text += (text.empty() ? "" : " ") + part; };
    if (knobs.signer != SignerChoice::kDelegated)
        add("signer=" + std::string(name_of(kSigners, knobs.signer)));
    if (knobs.stale) add("stale");
    if (knobs.bad_signature) add("bad-signature");
    if (knobs.nonce != NonceMode::kEcho) add("nonce=" + std::string(name_of(kNonces, knobs.nonce)));
    if (knobs.response_status != 0) add("status=" + std::string(response_status_name(knobs.response_status)));
    if (knobs.no_answer) add("no-answer");
    if (knobs.delay.count() > 0) add("delay=" + std::to_string(knobs.delay.count()) + "ms");
    return text.empty() ? "none" : text;
}

Status apply_knob(Knobs& knobs, std::string_view setting) {
    auto eq = setting.find('=');
    auto name = setting.substr(0, eq);
    auto value = eq == std::string_view::npos ? std::string_view() : setting.substr(eq + 1);
    if (name == "signer") return parse_into(kSigners, name, value, knobs.signer);
    if (name == "nonce") return parse_into(kNonces, name, value, knobs.nonce);
    if (name == "status") return parse_into(kStatuses, name, value, knobs.response_status);
    if (name == "stale") {
        knobs.stale = true;
        return Ok{};
    }
    if (name == "bad-signature") {
        knobs.bad_signature = true;
        return Ok{};
    }
    if (name == "no-answer") {
        knobs.no_answer = true;
        return Ok{};
    }
    if (name == "delay") {
        long long ms = 0;
        auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), ms);
        if (ec != std::errc() || end != value.data() + value.size() || ms < 0 || ms > 600000) {
            return Error("OCSP knob delay='" + std::string(value) + "': expected milliseconds 0..600000");
        }
        knobs.delay = std::chrono::milliseconds(ms);
        return Ok{};
    }
    return Error("unknown OCSP knob '" + std::string(name) +
                 "' (signer=, stale, bad-signature, nonce=, status=, no-answer, delay=)");
}

}  // namespace hnbsec::ocsp
