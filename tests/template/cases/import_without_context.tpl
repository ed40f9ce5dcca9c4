{% import '_lib/ctx.tpl' as ctx %}
[{{ ctx.show_defined() }}]
{% import '_lib/ctx.tpl' as ctx2 with context %}
[{{ ctx2.show_defined() }}]
