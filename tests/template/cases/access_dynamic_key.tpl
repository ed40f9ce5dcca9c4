{% for key in ['md5', 'sha1', 'size', 'missing'] %}
{{ key }}={{ results.results[0][key] }}
{% endfor %}
