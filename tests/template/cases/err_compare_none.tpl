{% for r in results.results %}{{ r.size }}{% endfor %}{{ none < 1 }}
