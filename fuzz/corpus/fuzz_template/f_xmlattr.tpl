<div{{ {'class': 'result', 'id': 'r1', 'data-x': none, 'title': '<"&>'}|xmlattr }}>
<span{{ {'a': 1}|xmlattr(false) }}>
{% for r in results.results %}
<li{{ {'data-plugin': r.plugin, 'data-size': r.size}|xmlattr }}></li>
{% endfor %}
