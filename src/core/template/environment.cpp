#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "stoq/template.hpp"
#include "template/interpreter.hpp"
#include "template/parser.hpp"

namespace stoq::templating {

TemplateError::TemplateError(std::string template_name, int line, int column, const std::string& message)
    : Error(template_name + ":" + std::to_string(line) + ":" + std::to_string(column) + ": " + message),
      template_name_(std::move(template_name)),
      line_(line),
      column_(column),
      message_(message) {}

namespace {

using detail::Body;
using detail::Expr;
using detail::ExprKind;
using detail::Stmt;

// Jinja2 refuses unknown filters and tests when it compiles, except inside an if body
// or a conditional expression (a "soft" frame), where the error waits for run time.
void check_names(const Expr* e, const std::string& name, bool soft) {
  if (e == nullptr) return;
  if (e->kind == ExprKind::CondExpr) soft = true;
  if (!soft && e->kind == ExprKind::Filter && detail::find_filter(e->name) == nullptr) {
    throw TemplateError(name, e->line, e->column, "No filter named '" + e->name + "'.");
  }
  if (!soft && e->kind == ExprKind::Test && detail::find_test(e->name) == nullptr) {
    throw TemplateError(name, e->line, e->column, "No test named '" + e->name + "'.");
  }
  check_names(e->operand.get(), name, soft);
  for (const auto& item : e->items) check_names(item.get(), name, soft);
  for (const auto& kw : e->kwargs) check_names(kw.second.get(), name, soft);
  check_names(e->dyn_args.get(), name, soft);
  check_names(e->dyn_kwargs.get(), name, soft);
}

void check_names(const Body& body, const std::string& name, bool soft) {
  for (const auto& s : body) {
    bool is_if = s->kind == detail::StmtKind::If;
    check_names(s->expr.get(), name, soft && s->kind != detail::StmtKind::FilterBlock);
    check_names(s->target.get(), name, soft);
    check_names(s->condition.get(), name, false);
    for (const auto& c : s->conditions) check_names(c.get(), name, soft);
    for (const auto& b : s->bodies) check_names(b, name, true);
    check_names(s->body, name, false);  // for/macro/with/... bodies are new frames
    check_names(s->else_body, name, is_if);
    for (const auto& p : s->params) check_names(p.default_value.get(), name, false);
    for (const auto& [target, value] : s->assigns) {
      check_names(target.get(), name, soft);
      check_names(value.get(), name, soft);
    }
  }
}

std::shared_ptr<const ParsedTemplate> parse_checked(std::string_view source, const std::string& name,
                                                    const TemplateOptions& options) {
  if (source.size() > options.limits.max_template_bytes) {
    throw TemplateError(name, 0, 0,
                        "template is larger than " + std::to_string(options.limits.max_template_bytes) + " bytes");
  }
  detail::LexerOptions lexer{options.trim_blocks, options.lstrip_blocks, options.keep_trailing_newline};
  auto parsed = detail::parse_template(source, name, lexer);
  check_names(parsed->body, name, false);
  return parsed;
}

// Jinja2's split_template_path: '/'-separated, no '..', no absolute names.
std::filesystem::path relative_template_path(std::string_view name) {
  std::filesystem::path out;
  std::size_t start = 0;
  if (name.empty()) throw Error("empty template name");
  if (name.find('\0') != std::string_view::npos || name.find('\\') != std::string_view::npos) {
    throw Error("invalid template name '" + std::string(name) + "'");
  }
  while (start <= name.size()) {
    std::size_t slash = name.find('/', start);
    std::string_view piece =
        name.substr(start, slash == std::string_view::npos ? std::string_view::npos : slash - start);
    if (piece == "..") throw Error("template name '" + std::string(name) + "' leaves the template directory");
    if (!piece.empty() && piece != ".") out /= std::string(piece);
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  if (out.empty()) throw Error("invalid template name '" + std::string(name) + "'");
  return out;
}

}  // namespace

Template::Template(std::shared_ptr<const ParsedTemplate> parsed, const Environment* environment)
    : parsed_(std::move(parsed)), environment_(environment) {}

const std::string& Template::name() const { return parsed_->name; }

std::string Template::render(const Json& vars) const {
  detail::Interpreter interpreter(*environment_, environment_->options().limits);
  return interpreter.render(parsed_, vars);
}

Environment::Environment(std::filesystem::path template_dir, TemplateOptions options)
    : template_dir_(std::move(template_dir)), options_(options) {}

Environment::~Environment() = default;

std::shared_ptr<const Template> Environment::find_template(std::string_view name) const {
  {
    std::lock_guard lock(mutex_);
    auto it = cache_.find(name);
    if (it != cache_.end()) return it->second;
  }
  if (template_dir_.empty()) throw Error("no template directory: cannot load '" + std::string(name) + "'");
  std::filesystem::path relative = relative_template_path(name);
  std::error_code ec;
  std::filesystem::path root = std::filesystem::canonical(template_dir_, ec);
  if (ec) return nullptr;
  std::filesystem::path full = root / relative;
  std::filesystem::path resolved = std::filesystem::weakly_canonical(full, ec);
  if (ec) return nullptr;
  // Symlinks must not lead outside the template directory.
  auto [root_end, ignored] = std::mismatch(root.begin(), root.end(), resolved.begin(), resolved.end());
  if (root_end != root.end()) {
    throw Error("template '" + std::string(name) + "' resolves outside the template directory");
  }
  int fd = ::open(resolved.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
  if (fd < 0) {
    if (errno == ENOENT || errno == ENOTDIR) return nullptr;
    throw Error("cannot read template '" + std::string(name) + "': " + std::strerror(errno));
  }
  std::string source;
  struct stat st {};
  bool ok = ::fstat(fd, &st) == 0 && S_ISREG(st.st_mode);
  if (!ok) {
    ::close(fd);
    throw Error("template '" + std::string(name) + "' is not a regular file");
  }
  if (static_cast<std::uint64_t>(st.st_size) > options_.limits.max_template_bytes) {
    ::close(fd);
    throw Error("template '" + std::string(name) + "' is larger than " +
                std::to_string(options_.limits.max_template_bytes) + " bytes");
  }
  source.resize(static_cast<std::size_t>(st.st_size));
  std::size_t got = 0;
  while (got < source.size()) {
    ssize_t n = ::read(fd, source.data() + got, source.size() - got);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    got += static_cast<std::size_t>(n);
  }
  ::close(fd);
  source.resize(got);
  auto parsed = parse_checked(source, std::string(name), options_);
  auto tmpl = std::make_shared<const Template>(std::move(parsed), this);
  std::lock_guard lock(mutex_);
  return cache_.emplace(std::string(name), std::move(tmpl)).first->second;
}

std::shared_ptr<const Template> Environment::get_template(std::string_view name) const {
  auto found = find_template(name);
  if (!found) {
    throw Error("template '" + std::string(name) + "' not found in " +
                (template_dir_.empty() ? std::string("(no template directory)") : template_dir_.string()));
  }
  return found;
}

std::shared_ptr<const Template> Environment::from_string(std::string_view source, std::string_view name) const {
  return std::make_shared<const Template>(parse_checked(source, std::string(name), options_), this);
}

std::string render_string(std::string_view source, const Json& vars) {
  static const Environment environment{std::filesystem::path()};
  return environment.from_string(source)->render(vars);
}

}  // namespace stoq::templating
