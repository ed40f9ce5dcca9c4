{{ 'The quick brown fox jumps over the lazy dog'|truncate(20) }}
{{ 'short'|truncate(20) }} {{ 'exactly twenty chars'|truncate(20) }}
{% for r in results.results %}
{{ r.sha256|default('')|truncate(16) }}
{% endfor %}
