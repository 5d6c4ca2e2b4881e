#pragma once
// strongSwan's settings syntax (strongswan.conf and swanctl.conf share it): nested
// `name { ... }` sections and `key = value` lines. Values that are not plain are quoted
// with \" and \\ escaped; a line break cannot be expressed and is refused, so no value
// can smuggle in a section of its own.

#include <string>
#include <string_view>

#include "core/result.h"

namespace hnbsec::dut {

class SettingsWriter {
public:
    void open(std::string_view section);
    void close();
    // Refused (the whole document then fails in text()) for a bad key or a line break.
    void value(std::string_view key, std::string_view value);
    void value(std::string_view key, bool flag) { value(key, std::string_view(flag ? "yes" : "no")); }
    void value(std::string_view key, int number) { value(key, std::string_view(std::to_string(number))); }
    void value(std::string_view key, const char* text) { value(key, std::string_view(text)); }

    // The document, or the first problem met while writing it.
    Result<std::string> text() const;
    // Overwrites the document's bytes (it may hold a PIN) and empties it.
    void wipe();

private:
    void indent();

    std::string out_;
    int depth_ = 0;
    std::string problem_;
};

// `value` as the settings syntax wants it: bare when plain, else quoted.
Result<std::string> settings_value(std::string_view value);

}  // namespace hnbsec::dut
