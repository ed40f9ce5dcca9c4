{{ [1, 2, 3]|first }} {{ [1, 2, 3]|last }} {{ 'abc'|first }} {{ 'abc'|last }}
{% for r in results.results %}
{{ r.uuid|first }} {{ r.uuid|last }}
{% endfor %}
