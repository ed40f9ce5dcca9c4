payload_id,filename,size,md5,sha1,sha256
{% for r in results.results %}
{{ r.payload_id }},"{{ r.filename|default('')|replace('"', '""') }}",{{ r.size }},{{ r.md5|default('') }},{{ r.sha1|default('') }},{{ r.sha256|default('') }}
{% endfor %}
