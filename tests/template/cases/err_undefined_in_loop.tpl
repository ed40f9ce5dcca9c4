{% for r in results.results %}{{ r.plugin }}{% endfor %}
{{ results.no_such_section.items }}
