{% set ids = results.results|map(attribute='payload_id')|list %}
{{ ids[1:3] }} {{ ids[::-1] }} {{ ids[:2] }} {{ ids[1:] }} {{ ids[::2] }} {{ ids[-2:] }}
{{ 'sha256'[:3] }} {{ 'abcdef'[::-1] }} {{ 'abcdef'[1:4] }} {{ 'abcdef'[::2] }} {{ 'abcdef'[-3:] }}
{% for r in results.results %}
{{ r.sha256[:12] if r.sha256 else 'no-hash' }}
{% endfor %}
