[{% for r in results.results %}{% if loop.first %}<{% endif %}{{ r.plugin }}{% if loop.last %}>{% else %}, {% endif %}{% endfor %}]
