{% from '_lib/macros.tpl' import badge, row as table_row, hashes %}
{{ badge(results.tlp|default('none', true), 'tlp') }}
{{ table_row(['a', 'b', 'c']) }}
{% for r in results.results if r.md5 %}
{{ hashes(r) }}
{% endfor %}
