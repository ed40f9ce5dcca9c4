{% from '_lib/macros.tpl' import no_such_macro %}
{{ no_such_macro() }}
