{% for r in results.results %}
{{ r.uuid|truncate(9) }} {{ r.size|string|truncate(3, true, '') }}
{% endfor %}
