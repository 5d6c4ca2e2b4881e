#include "harness/dut/strongswan_settings.h"

#include <openssl/crypto.h>

namespace hnbsec::dut {
namespace {

bool plain_char(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           std::string_view("._:/@%*+,=[]- ").find(c) != std::string_view::npos;
}

bool key_char(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '-' || c == '%';
}

bool valid_key(std::string_view key) {
    if (key.empty()) return false;
    for (const char c : key)
        if (!key_char(c) && c != '.') return false;
    return key.front() != '.';
}

}  // namespace

Result<std::string> settings_value(std::string_view value) {
    if (value.find_first_of("\r\n") != std::string_view::npos)
        return Error("a strongSwan settings value cannot contain a line break");
    bool plain = !value.empty() && value.front() != ' ' && value.back() != ' ';
    for (const char c : value) plain = plain && plain_char(c);
    if (plain) return std::string(value);
    std::string quoted = "\"";
    for (const char c : value) {
        if (c == '"' || c == '\\') quoted.push_back('\\');
        quoted.push_back(c);
    }
    quoted.push_back('"');
    return quoted;
}

void SettingsWriter::indent() {
    out_.append(static_cast<std::size_t>(depth_) * 2, ' ');
}

void SettingsWriter::open(std::string_view section) {
    if (!valid_key(section) && problem_.empty()) problem_ = "bad section name '" + std::string(section) + "'";
    indent();
    out_ += std::string(section) + " {\n";
    ++depth_;
}

void SettingsWriter::close() {
    if (depth_ == 0) {
        if (problem_.empty()) problem_ = "close() without open()";
        return;
    }
    --depth_;
    indent();
    out_ += "}\n";
}

void SettingsWriter::value(std::string_view key, std::string_view value) {
    if (!valid_key(key) && problem_.empty()) problem_ = "bad key '" + std::string(key) + "'";
    auto rendered = settings_value(value);
    if (!rendered.ok()) {
        // The value itself is not quoted: it may be a PIN.
        if (problem_.empty()) problem_ = std::string(key) + ": " + rendered.error().what();
        return;
    }
    indent();
    out_ += std::string(key) + " = " + *rendered + "\n";
    OPENSSL_cleanse(rendered->data(), rendered->size());  // it may have been a PIN
}

Result<std::string> SettingsWriter::text() const {
    if (!problem_.empty()) return Error(problem_);
    if (depth_ != 0) return Error("a section is still open");
    return out_;
}

void SettingsWriter::wipe() {
    OPENSSL_cleanse(out_.data(), out_.size());
    out_.clear();
}

}  // namespace hnbsec::dut
