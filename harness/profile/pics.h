#pragma once
// PICS (Protocol Implementation Conformance Statement): what the DUT declares
// it supports. The names are fixed by this suite; test cases select themselves
// by asking Pics::has().

#include <array>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace hnbsec::profile {

struct PicsItem {
    std::string_view name;     // "P.HPM"
    std::string_view meaning;  // one line, for docs and `hnbsec profile show`
};

// Every PICS name this suite knows, in documentation order.
std::span<const PicsItem> pics_catalogue();

bool is_pics_name(std::string_view name);

class Pics {
public:
    static constexpr std::size_t kNames = 26;  // size of pics_catalogue()

    // Records a declaration; `name` must be in pics_catalogue().
    void set(std::string_view name, bool supported);

    // True when the DUT declares `name` supported. Names absent from the
    // profile are not supported. Asking for a name outside the catalogue is a
    // programming error (a typo would silently deselect tests), so it asserts.
    bool has(std::string_view name) const;

    // The names declared supported, in catalogue order.
    std::vector<std::string> declared() const;

private:
    std::array<bool, kNames> supported_{};
};

}  // namespace hnbsec::profile
