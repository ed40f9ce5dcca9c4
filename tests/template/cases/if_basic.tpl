{% if results.payloads %}
has payloads
{% endif %}
{% if results.tlp == 'amber' %}amber!{% endif %}
done
