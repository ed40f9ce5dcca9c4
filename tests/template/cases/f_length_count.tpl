{{ results.results|length }} {{ results.results|count }} {{ 'hello'|length }} {{ {'a': 1}|length }} {{ ''|length }} {{ 'été'|length }} {{ '😀'|length }}
{% for r in results.results %}
{{ r.uuid|length }} {{ r.scan|count }}
{% endfor %}
