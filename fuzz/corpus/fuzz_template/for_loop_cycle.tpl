{% for r in results.results %}
<tr class="{{ loop.cycle('odd', 'even') }}">{{ r.plugin }}</tr>
{% endfor %}
{% for n in [1, 2, 3, 4, 5] %}{{ loop.cycle('a', 'b', 'c') }}{% endfor %}
