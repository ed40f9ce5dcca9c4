{% for r in results.results %}
{{ r.uuid|tojson }} {{ r.size|tojson }} {{ r.filename|tojson }}
{% endfor %}
{{ [1, 'a', none, true, 2.5]|tojson }} {{ {'b': 1, 'a': [2]}|tojson }} {{ 'x'|tojson }} {{ none|tojson }}
