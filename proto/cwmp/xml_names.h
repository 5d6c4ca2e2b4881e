#pragma once
// Namespace-aware element lookup over pugixml, which keeps prefixes but does not resolve
// them. SOAP 1.1 and CWMP senders choose their own prefixes (soap:, SOAP-ENV:, cwmp:, none),
// so elements are matched by (namespace URI, local name), never by prefixed name.

#include <string>
#include <string_view>

#include <pugixml.hpp>

namespace hnbsec::cwmp {

std::string_view local_name(const pugi::xml_node& node);
// The namespace URI bound to the node's prefix (or the default namespace), searched up the tree.
std::string namespace_of(const pugi::xml_node& node);

// First child element with this local name, whatever its namespace (CWMP argument elements are
// unqualified in TR-069's examples but qualified by some CPEs).
pugi::xml_node child_named(const pugi::xml_node& parent, std::string_view local);
// First child element that is an element at all.
pugi::xml_node first_element(const pugi::xml_node& parent);

}  // namespace hnbsec::cwmp
