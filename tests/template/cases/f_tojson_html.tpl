{{ "<script>alert('x') & \"y\"</script>"|tojson }}
{% for r in results.results %}
{{ r.filename|tojson }}
{% endfor %}
