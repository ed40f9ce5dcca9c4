{% for r in results.results if r.size is number and r.size > 1000 %}
{{ loop.index }}/{{ loop.length }} {{ loop.revindex }} {{ loop.first }} {{ loop.last }} {{ r.size }}
{% endfor %}
