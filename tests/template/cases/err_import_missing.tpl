{% import '_lib/no_such_lib.tpl' as lib %}
{{ lib.x() }}
