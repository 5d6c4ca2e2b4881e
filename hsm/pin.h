#pragma once
// PINs for a PKCS#11 token. A PIN only ever comes from a file or an
// environment variable — never argv, where every user of the machine can read
// it in /proc — and it is never printed: Pin has no operator<<, no conversion
// to std::string, and wipes its bytes when it goes away. Error messages name
// where a PIN came from (Pin::origin()), never what it is.

#include <cstddef>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

#include "core/result.h"

namespace hnbsec::hsm {

class Pin {
public:
    // Copies `secret`; the caller wipes its own copy. `origin` describes the
    // source for error messages, e.g. "PIN file lab/user.pin".
    static Pin from_secret(std::string_view secret, std::string origin);

    Pin(Pin&& other) noexcept;
    Pin& operator=(Pin&& other) noexcept;
    Pin(const Pin&) = delete;
    Pin& operator=(const Pin&) = delete;
    ~Pin();

    // The secret bytes, NUL-terminated for C APIs such as libp11. The long
    // name makes every use easy to find in review.
    const char* secret_data() const { return bytes_.get(); }
    std::size_t secret_size() const { return size_; }

    // Where the PIN came from; safe to print.
    const std::string& origin() const { return origin_; }

private:
    Pin(std::unique_ptr<char[]> bytes, std::size_t size, std::string origin);
    void wipe();

    std::unique_ptr<char[]> bytes_;
    std::size_t size_ = 0;
    std::string origin_;
};

// Where to read a PIN from: a file (one line; one trailing newline is dropped)
// or an environment variable.
class PinSource {
public:
    static PinSource file(std::filesystem::path path);
    static PinSource environment(std::string variable);

    // Reads the PIN now. A PIN file must be a regular file of at most 4 KiB and
    // must not be writable by group or others (someone else could swap the PIN
    // and lock the token). A world-readable file is accepted: lab fixtures live
    // in checkouts with mode 0644, and SoftHSM tokens of a test run are
    // throwaway; keep production PIN files at 0600.
    Result<Pin> read() const;

    // "PIN file lab/user.pin" or "environment variable HNBSEC_USER_PIN".
    std::string describe() const;

private:
    enum class Kind { kFile, kEnvironment };
    PinSource(Kind kind, std::string where) : kind_(kind), where_(std::move(where)) {}

    Kind kind_;
    std::string where_;
};

}  // namespace hnbsec::hsm
