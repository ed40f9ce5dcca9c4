{% for r in results.results %}
{{ loop.index }}/{{ loop.index0 }} {{ r.plugin }}
{% endfor %}
