"""The regulators' open feed (`/api/v1/oversight/...`, scope `oversight:read`): the dashboard's headline figures
and the masked case list, pulled by a regulator's system with a `since` cursor. It joins two features of one
layer, the API and oversight, so it sits above both and puts its routes on the API's blueprint."""
