{% from '_lib/ctx.tpl' import show_tlp with context %}
{{ show_tlp() }}
