#include "harness/roles/crl/crl_server.h"

#include <array>
#include <utility>

#include "fixtures/pki/file_io.h"

namespace hnbsec::crl {

namespace {

constexpr std::array<std::pair<std::string_view, CrlVariant>, 4> kVariants = {{
    {"current", CrlVariant::kCurrent},
    {"expired", CrlVariant::kExpired},
    {"not-yet-valid", CrlVariant::kNotYetValid},
    {"bad-signature", CrlVariant::kBadSignature},
}};

bool ends_with(std::string_view text, std::string_view suffix) {
    return text.size() >= suffix.size() && text.substr(text.size() - suffix.size()) == suffix;
}

}  // namespace

std::string_view variant_name(CrlVariant variant) {
    for (const auto& [name, v] : kVariants) {
        if (v == variant) return name;
    }
    return "?";
}

Result<CrlVariant> parse_variant(std::string_view text) {
    for (const auto& [name, v] : kVariants) {
        if (name == text) return v;
    }
    return Error("CRL variant '" + std::string(text) +
                 "': expected current|expired|not-yet-valid|bad-signature");
}

std::string to_string(const CrlEvent& event) {
    std::string text = (event.peer.listener.empty() ? std::string("crl") : event.peer.listener) + " " +
                       event.peer.address + " GET " + event.target.substr(0, 200) + " -> " +
                       std::to_string(event.http_status);
    if (!event.served.empty()) text += " served " + event.served;
    return text;
}

Result<std::unique_ptr<CrlServer>> CrlServer::create(const pki::Manifest& manifest, std::string path,
                                                     Sink sink) {
    while (path.size() > 1 && path.back() == '/') path.pop_back();
    if (path.empty() || path.front() != '/') path = "/" + path;
    std::unique_ptr<CrlServer> server(new CrlServer(std::move(path), std::move(sink)));
    for (const auto& entry : manifest.entries) {
        if (entry.kind != "crl") continue;
        auto der_path = manifest.file(entry, "der");
        if (der_path.empty()) continue;
        HNBSEC_TRY(auto der, pki::read_file(der_path));
        const std::string file = entry.name;  // manifest CRL names are "<stem>.crl"
        server->by_file_[file] = Served{entry.name, std::move(der)};
        if (entry.good()) continue;
        // A broken twin "<ca>-<variant>" of the CA's CRL "<ca>.crl".
        for (const auto& [name, v] : kVariants) {
            if (v != CrlVariant::kCurrent && ends_with(entry.variant, "-" + std::string(name))) {
                server->twins_[entry.issuer + ".crl"][v] = file;
            }
        }
    }
    if (server->by_file_.empty()) return Error("the PKI has no CRL to serve");
    return server;
}

std::vector<std::string> CrlServer::files() const {
    std::vector<std::string> out;
    for (const auto& [file, served] : by_file_) out.push_back(file);
    return out;
}

bool CrlServer::matches(const http::Request& request) const {
    auto path = request.path();
    return path == path_ ||
           (path.size() > path_.size() + 1 && path.substr(0, path_.size() + 1) == path_ + "/") ||
           (path_ == "/" && path.size() > 1);
}

http_server::Reply CrlServer::handle(const http::Request& request, const http_server::Peer& peer) {
    CrlEvent event;
    event.peer = peer;
    event.target = request.target;
    http::Response response;
    if (request.method != "GET") {
        response.status = 405;
        response.headers = {{"Allow", "GET"}};
    } else {
        std::string_view file = request.path();
        file.remove_prefix(std::min(file.size(), path_ == "/" ? std::size_t{1} : path_.size() + 1));
        auto it = by_file_.find(std::string(file));
        if (it == by_file_.end()) {
            response.status = 404;
            response.headers = {{"Content-Type", "text/plain"}};
            response.body = "no CRL '" + std::string(file.substr(0, 100)) + "' here\n";
        } else {
            const Served* served = &it->second;
            const CrlVariant variant = variant_.load();
            auto twins = twins_.find(it->first);
            if (variant != CrlVariant::kCurrent && twins != twins_.end()) {
                auto twin = twins->second.find(variant);
                if (twin != twins->second.end()) served = &by_file_.at(twin->second);
            }
            response.headers = {{"Content-Type", "application/pkix-crl"}};
            response.body = served->der;
            event.served = served->name;
        }
    }
    event.http_status = response.status;
    if (sink_) sink_(event);
    http_server::Reply reply(std::move(response));
    if (!event.served.empty()) reply.note = "served " + event.served;
    return reply;
}

}  // namespace hnbsec::crl
