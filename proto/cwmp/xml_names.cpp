#include "proto/cwmp/xml_names.h"

namespace hnbsec::cwmp {

namespace {
std::string_view prefix_of(const pugi::xml_node& node) {
    const std::string_view name = node.name();
    const auto colon = name.find(':');
    return colon == std::string_view::npos ? std::string_view{} : name.substr(0, colon);
}
}  // namespace

std::string_view local_name(const pugi::xml_node& node) {
    const std::string_view name = node.name();
    const auto colon = name.find(':');
    return colon == std::string_view::npos ? name : name.substr(colon + 1);
}

std::string namespace_of(const pugi::xml_node& node) {
    const std::string_view prefix = prefix_of(node);
    const std::string attribute = prefix.empty() ? std::string("xmlns") : "xmlns:" + std::string(prefix);
    for (pugi::xml_node n = node; n; n = n.parent()) {
        if (n.type() != pugi::node_element) break;
        if (const auto a = n.attribute(attribute.c_str())) return a.value();
    }
    return {};
}

pugi::xml_node child_named(const pugi::xml_node& parent, std::string_view local) {
    for (pugi::xml_node c = parent.first_child(); c; c = c.next_sibling()) {
        if (c.type() == pugi::node_element && local_name(c) == local) return c;
    }
    return {};
}

pugi::xml_node first_element(const pugi::xml_node& parent) {
    for (pugi::xml_node c = parent.first_child(); c; c = c.next_sibling()) {
        if (c.type() == pugi::node_element) return c;
    }
    return {};
}

}  // namespace hnbsec::cwmp
