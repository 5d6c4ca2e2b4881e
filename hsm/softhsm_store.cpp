#include "hsm/softhsm_store.h"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <string>
#include <string_view>
#include <system_error>

namespace hnbsec::hsm {
namespace fs = std::filesystem;
namespace {

// The file object store keeps each token in a directory under tokendir;
// removable=false keeps SoftHSM2 from renumbering slots on every reload.
std::string conf_text(const fs::path& token_dir) {
    return "# Private SoftHSM2 store written by hnbsec; see hsm/softhsm_store.h.\n"
           "directories.tokendir = " +
           token_dir.string() +
           "\n"
           "objectstore.backend = file\n"
           "log.level = ERROR\n"
           "slots.removable = false\n";
}

Result<fs::path> absolute_path(const fs::path& dir) {
    std::error_code ec;
    fs::path absolute = fs::absolute(dir, ec);
    if (ec) return Error("cannot resolve SoftHSM2 store directory " + dir.string() + ": " + ec.message());
    // softhsm2.conf is line-based; a newline in the path would end the value early.
    if (absolute.string().find_first_of("\r\n") != std::string::npos) {
        return Error("SoftHSM2 store directory " + dir.string() +
                     " has a newline in its path; choose another");
    }
    return absolute.lexically_normal();
}

// The directories.tokendir value of a softhsm2.conf.
Result<fs::path> configured_token_dir(const fs::path& conf) {
    std::ifstream in(conf);
    if (!in) return Error("cannot read " + conf.string() + ": " + std::strerror(errno));
    constexpr std::string_view kKey = "directories.tokendir";
    for (std::string line; std::getline(in, line);) {
        if (line.rfind(kKey, 0) != 0) continue;
        auto eq = line.find('=', kKey.size());
        if (eq == std::string::npos) break;
        auto begin = line.find_first_not_of(" \t", eq + 1);
        auto end = line.find_last_not_of(" \t\r");
        if (begin == std::string::npos) break;
        return fs::path(line.substr(begin, end - begin + 1)).lexically_normal();
    }
    return Error(conf.string() + " has no directories.tokendir line; it was not written by hnbsec");
}

}  // namespace

Result<SoftHsmStore> SoftHsmStore::create(const fs::path& dir) {
    HNBSEC_TRY(fs::path root, absolute_path(dir));
    SoftHsmStore store(root);
    std::error_code ec;
    if (fs::exists(store.conf_path(), ec)) {
        return Error("SoftHSM2 store " + root.string() +
                     " already exists (it has softhsm2.conf); open it instead");
    }
    fs::create_directories(store.token_dir(), ec);
    if (ec)
        return Error("cannot create SoftHSM2 token directory " + store.token_dir().string() + ": " +
                     ec.message());
    // Token files hold wrapped keys and PIN-derived material: owner only.
    fs::permissions(store.token_dir(), fs::perms::owner_all, fs::perm_options::replace, ec);
    if (ec)
        return Error("cannot restrict permissions of " + store.token_dir().string() + ": " + ec.message());

    std::ofstream out(store.conf_path(), std::ios::trunc);
    out << conf_text(store.token_dir());
    out.close();
    if (!out) return Error("cannot write " + store.conf_path().string() + ": " + std::strerror(errno));

    HNBSEC_CHECK(store.activate());
    return store;
}

Result<SoftHsmStore> SoftHsmStore::open(const fs::path& dir) {
    HNBSEC_TRY(fs::path root, absolute_path(dir));
    SoftHsmStore store(root);
    std::error_code ec;
    if (!fs::is_regular_file(store.conf_path(), ec)) {
        return Error("no SoftHSM2 store at " + root.string() +
                     " (softhsm2.conf is missing); create one first");
    }
    if (!fs::is_directory(store.token_dir(), ec)) {
        return Error("SoftHSM2 store " + root.string() +
                     " has no tokens/ directory; it was not made by hnbsec");
    }
    HNBSEC_TRY(fs::path configured, configured_token_dir(store.conf_path()));
    if (configured != store.token_dir()) {
        return Error("SoftHSM2 store " + root.string() + " points at token directory " + configured.string() +
                     " instead of its own tokens/ (was it moved?); recreate the store");
    }
    HNBSEC_CHECK(store.activate());
    return store;
}

Status SoftHsmStore::activate() const {
    if (::setenv(kConfEnvironmentVariable, conf_path().c_str(), 1) != 0) {
        return Error(std::string("cannot set ") + kConfEnvironmentVariable + ": " + std::strerror(errno));
    }
    return Ok{};
}

}  // namespace hnbsec::hsm
