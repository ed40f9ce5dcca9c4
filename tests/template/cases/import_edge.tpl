{% from '_lib/macros.tpl' import badge as b, title %}
{{ b('x', level='ok') }} {{ title }}
{% import '_lib/macros.tpl' as lib with context %}{{ lib.row(['1', '2'], sep='-') }}
[{% include '_lib/macros.tpl' %}]
