{% for r in results.results %}
{{ r.payload_id }}: {{ 'big' if r.size > 10000 else 'small' }} {{ 'named' if r.filename }}|{{ 'x' if false }}|
{% endfor %}
{{ 'a' if results.payloads else 'b' }} {{ ('yes' if true else 'no')|upper }}
