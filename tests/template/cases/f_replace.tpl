{{ results.date|default('')|replace('T', ' ') }} {{ 'a.b.c'|replace('.', '::') }} {{ 'aaa'|replace('a', 'b', 2) }} {{ 'abc'|replace('', '-') }}
{% for r in results.results %}
{{ r.filename|default('', true)|replace('.', '[.]') }}
{% endfor %}
