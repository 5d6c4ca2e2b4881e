#pragma once
// The error value every fallible hnbsec function returns instead of throwing.
// An Error reads like a lab engineer's note: what failed, then where ("while ...")
// so a verdict or a CLI message can quote it verbatim.

#include <string>
#include <utility>
#include <vector>

namespace hnbsec {

class Error {
public:
    explicit Error(std::string what) : what_(std::move(what)) {}

    // Adds an outer layer of context, e.g. "loading profile lab.toml".
    Error&& context(std::string while_doing) && {
        context_.push_back(std::move(while_doing));
        return std::move(*this);
    }

    const std::string& what() const { return what_; }

    // "what (while a; while b)" with the innermost context first.
    std::string message() const {
        std::string text = what_;
        for (const auto& c : context_) text += "\n  while " + c;
        return text;
    }

private:
    std::string what_;
    std::vector<std::string> context_;
};

}  // namespace hnbsec
