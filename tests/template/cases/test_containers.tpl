{{ {} is mapping }} {{ [] is mapping }} {{ results is mapping }} {{ results.results is mapping }}
{{ [] is sequence }} {{ 'abc' is sequence }} {{ {} is sequence }} {{ 1 is sequence }} {{ () is sequence }}
{{ [] is iterable }} {{ 'abc' is iterable }} {{ {} is iterable }} {{ 1 is iterable }} {{ none is iterable }}
