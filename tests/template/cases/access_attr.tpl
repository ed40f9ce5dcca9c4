{% if results.results %}
{{ results.results[0].filename }} {{ results.results[0]['md5'] }} {{ results.results[0].plugin }}
{{ results.results[0]['content-type'] }}
{% endif %}
{{ results['payloads'] }} {{ results.tlp }}
