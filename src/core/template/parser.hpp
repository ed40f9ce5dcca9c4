// Jinja2's grammar (jinja2/parser.py), recursive descent over the lexer's tokens.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "template/ast.hpp"
#include "template/lexer.hpp"

namespace stoq::templating::detail {

/// Throws TemplateError with the template name, line and column of the offending token.
[[nodiscard]] std::shared_ptr<const ParsedTemplate> parse_template(std::string_view source, const std::string& name,
                                                                   const LexerOptions& options);

}  // namespace stoq::templating::detail
