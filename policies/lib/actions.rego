# Package custos.lib.actions is custos's catalogue of the IAM actions of the services it
# judges (Secrets Manager, KMS, IAM, STS, CloudTrail) with their access level as the AWS
# Service Authorization Reference classifies them: List, Read, Write, Permissions
# management or Tagging. Action wildcards (kms:Get*, secretsmanager:*Secret*) are expanded
# against it, so rules reason about the real actions a pattern grants.
#
# Written by hand from the reference; TestActionCatalogue (policies/actions_test.go)
# checks that every operation of the AWS SDK clients in go.mod has its action here.
# Actions the reference lists without an API operation of the same name (iam:PassRole,
# kms:ReEncryptFrom and kms:ReEncryptTo for ReEncrypt, sts:TagSession, …) are included.
# The actions in unverified were added from the SDK API models after the reference was
# last checked; their level is the level of their closest sibling.
package custos.lib.actions

import data.custos.lib.iam

levels := {"List", "Read", "Write", "Permissions management", "Tagging"}

# catalogue[service][action] is the access level of service:action; names are
# lower-cased, as canonical policy documents hold them.
catalogue := {
	"cloudtrail": {
		"addtags": "Tagging",
		"cancelquery": "Write",
		"createchannel": "Write",
		"createdashboard": "Write",
		"createeventdatastore": "Write",
		"createservicelinkedchannel": "Write",
		"createtrail": "Write",
		"deletechannel": "Write",
		"deletedashboard": "Write",
		"deleteeventdatastore": "Write",
		"deleteresourcepolicy": "Permissions management",
		"deleteservicelinkedchannel": "Write",
		"deletetrail": "Write",
		"deregisterorganizationdelegatedadmin": "Write",
		"describequery": "Read",
		"describetrails": "Read",
		"disablefederation": "Write",
		"enablefederation": "Write",
		"generatequery": "Read",
		"getchannel": "Read",
		"getdashboard": "Read",
		"geteventconfiguration": "Read",
		"geteventdatastore": "Read",
		"geteventdatastoredata": "Read",
		"geteventselectors": "Read",
		"getimport": "Read",
		"getinsightselectors": "Read",
		"getqueryresults": "Read",
		"getresourcepolicy": "Read",
		"getservicelinkedchannel": "Read",
		"gettrail": "Read",
		"gettrailstatus": "Read",
		"listchannels": "List",
		"listdashboards": "List",
		"listeventdatastores": "List",
		"listimportfailures": "List",
		"listimports": "List",
		"listinsightsdata": "List",
		"listinsightsmetricdata": "List",
		"listpublickeys": "List",
		"listqueries": "List",
		"listservicelinkedchannels": "List",
		"listtags": "List",
		"listtrails": "List",
		"lookupevents": "Read",
		"puteventconfiguration": "Write",
		"puteventselectors": "Write",
		"putinsightselectors": "Write",
		"putresourcepolicy": "Permissions management",
		"registerorganizationdelegatedadmin": "Write",
		"removetags": "Tagging",
		"restoreeventdatastore": "Write",
		"searchsamplequeries": "Read",
		"startdashboardrefresh": "Write",
		"starteventdatastoreingestion": "Write",
		"startimport": "Write",
		"startlogging": "Write",
		"startquery": "Read",
		"stopeventdatastoreingestion": "Write",
		"stopimport": "Write",
		"stoplogging": "Write",
		"updatechannel": "Write",
		"updatedashboard": "Write",
		"updateeventdatastore": "Write",
		"updateservicelinkedchannel": "Write",
		"updatetrail": "Write",
	},
	"iam": {
		"acceptdelegationrequest": "Write",
		"acquirerole": "Write",
		"addclientidtoopenidconnectprovider": "Write",
		"addroletoinstanceprofile": "Write",
		"addusertogroup": "Write",
		"associatedelegationrequest": "Write",
		"attachgrouppolicy": "Permissions management",
		"attachrolepolicy": "Permissions management",
		"attachuserpolicy": "Permissions management",
		"changepassword": "Write",
		"createaccesskey": "Write",
		"createaccountalias": "Write",
		"createdelegationrequest": "Write",
		"creategroup": "Write",
		"createinstanceprofile": "Write",
		"createloginprofile": "Write",
		"createopenidconnectprovider": "Write",
		"createpolicy": "Permissions management",
		"createpolicyversion": "Permissions management",
		"createrole": "Write",
		"createsamlprovider": "Write",
		"createservicelinkedrole": "Write",
		"createservicespecificcredential": "Write",
		"createuser": "Write",
		"createvirtualmfadevice": "Write",
		"deactivatemfadevice": "Write",
		"deleteaccesskey": "Write",
		"deleteaccountalias": "Write",
		"deleteaccountpasswordpolicy": "Permissions management",
		"deletecloudfrontpublickey": "Write",
		"deletegroup": "Write",
		"deletegrouppolicy": "Permissions management",
		"deleteinstanceprofile": "Write",
		"deleteloginprofile": "Write",
		"deleteopenidconnectprovider": "Write",
		"deletepolicy": "Permissions management",
		"deletepolicyversion": "Permissions management",
		"deleterole": "Write",
		"deleterolepermissionsboundary": "Permissions management",
		"deleterolepolicy": "Permissions management",
		"deletesamlprovider": "Write",
		"deleteservercertificate": "Write",
		"deleteservicelinkedrole": "Write",
		"deleteservicespecificcredential": "Write",
		"deletesigningcertificate": "Write",
		"deletesshpublickey": "Write",
		"deleteuser": "Write",
		"deleteuserpermissionsboundary": "Permissions management",
		"deleteuserpolicy": "Permissions management",
		"deletevirtualmfadevice": "Write",
		"detachgrouppolicy": "Permissions management",
		"detachrolepolicy": "Permissions management",
		"detachuserpolicy": "Permissions management",
		"disableorganizationsrootcredentialsmanagement": "Write",
		"disableorganizationsrootsessions": "Write",
		"disableoutboundwebidentityfederation": "Write",
		"enablemfadevice": "Write",
		"enableorganizationsrootcredentialsmanagement": "Write",
		"enableorganizationsrootsessions": "Write",
		"enableoutboundwebidentityfederation": "Write",
		"generatecredentialreport": "Read",
		"generateorganizationsaccessreport": "Read",
		"generateservicelastaccesseddetails": "Read",
		"getaccesskeylastused": "Read",
		"getaccountauthorizationdetails": "Read",
		"getaccountemailaddress": "Read",
		"getaccountname": "Read",
		"getaccountpasswordpolicy": "Read",
		"getaccountproperties": "Read",
		"getaccountsummary": "List",
		"getcloudfrontpublickey": "Read",
		"getcontextkeysforcustompolicy": "Read",
		"getcontextkeysforprincipalpolicy": "Read",
		"getcredentialreport": "Read",
		"getdelegationrequest": "Read",
		"getgroup": "Read",
		"getgrouppolicy": "Read",
		"gethumanreadablesummary": "Read",
		"getinstanceprofile": "Read",
		"getloginprofile": "Read",
		"getmfadevice": "Read",
		"getopenidconnectprovider": "Read",
		"getorganizationsaccessreport": "Read",
		"getoutboundwebidentityfederationinfo": "Read",
		"getpolicy": "Read",
		"getpolicyversion": "Read",
		"getrole": "Read",
		"getrolepolicy": "Read",
		"getroletemplateversion": "Read",
		"getsamlprovider": "Read",
		"getservercertificate": "Read",
		"getservicelastaccesseddetails": "Read",
		"getservicelastaccesseddetailswithentities": "Read",
		"getservicelinkedroledeletionstatus": "Read",
		"getsshpublickey": "Read",
		"getuser": "Read",
		"getuserpolicy": "Read",
		"listaccesskeys": "List",
		"listaccountaliases": "List",
		"listattachedgrouppolicies": "List",
		"listattachedrolepolicies": "List",
		"listattacheduserpolicies": "List",
		"listcloudfrontpublickeys": "List",
		"listdelegationrequests": "List",
		"listentitiesforpolicy": "List",
		"listgrouppolicies": "List",
		"listgroups": "List",
		"listgroupsforuser": "List",
		"listinstanceprofiles": "List",
		"listinstanceprofilesforrole": "List",
		"listinstanceprofiletags": "List",
		"listmfadevices": "List",
		"listmfadevicetags": "List",
		"listopenidconnectproviders": "List",
		"listopenidconnectprovidertags": "List",
		"listorganizationsfeatures": "List",
		"listpolicies": "List",
		"listpoliciesgrantingserviceaccess": "List",
		"listpolicytags": "List",
		"listpolicyversions": "List",
		"listrolepolicies": "List",
		"listroles": "List",
		"listroletags": "List",
		"listsamlproviders": "List",
		"listsamlprovidertags": "List",
		"listservercertificates": "List",
		"listservercertificatetags": "List",
		"listservicespecificcredentials": "List",
		"listsigningcertificates": "List",
		"listsshpublickeys": "List",
		"liststsregionalendpointsstatus": "List",
		"listuserpolicies": "List",
		"listusers": "List",
		"listusertags": "List",
		"listvirtualmfadevices": "List",
		"passrole": "Write",
		"putaccountproperties": "Write",
		"putgrouppolicy": "Permissions management",
		"putrolepermissionsboundary": "Permissions management",
		"putrolepolicy": "Permissions management",
		"putuserpermissionsboundary": "Permissions management",
		"putuserpolicy": "Permissions management",
		"rejectdelegationrequest": "Write",
		"removeclientidfromopenidconnectprovider": "Write",
		"removerolefrominstanceprofile": "Write",
		"removeuserfromgroup": "Write",
		"resetservicespecificcredential": "Write",
		"resyncmfadevice": "Write",
		"senddelegationtoken": "Write",
		"setdefaultpolicyversion": "Permissions management",
		"setsecuritytokenservicepreferences": "Write",
		"simulatecustompolicy": "Read",
		"simulateprincipalpolicy": "Read",
		"taginstanceprofile": "Tagging",
		"tagmfadevice": "Tagging",
		"tagopenidconnectprovider": "Tagging",
		"tagpolicy": "Tagging",
		"tagrole": "Tagging",
		"tagsamlprovider": "Tagging",
		"tagservercertificate": "Tagging",
		"taguser": "Tagging",
		"untaginstanceprofile": "Tagging",
		"untagmfadevice": "Tagging",
		"untagopenidconnectprovider": "Tagging",
		"untagpolicy": "Tagging",
		"untagrole": "Tagging",
		"untagsamlprovider": "Tagging",
		"untagservercertificate": "Tagging",
		"untaguser": "Tagging",
		"updateaccesskey": "Write",
		"updateaccountpasswordpolicy": "Permissions management",
		"updateassumerolepolicy": "Permissions management",
		"updatecloudfrontpublickey": "Write",
		"updatedelegationrequest": "Write",
		"updategroup": "Write",
		"updateloginprofile": "Write",
		"updateopenidconnectproviderthumbprint": "Write",
		"updaterole": "Write",
		"updateroledescription": "Write",
		"updatesamlprovider": "Write",
		"updateservercertificate": "Write",
		"updateservicespecificcredential": "Write",
		"updatesigningcertificate": "Write",
		"updatesshpublickey": "Write",
		"updateuser": "Write",
		"uploadcloudfrontpublickey": "Write",
		"uploadservercertificate": "Write",
		"uploadsigningcertificate": "Write",
		"uploadsshpublickey": "Write",
	},
	"kms": {
		"cancelkeydeletion": "Write",
		"connectcustomkeystore": "Write",
		"createalias": "Write",
		"createcustomkeystore": "Write",
		"creategrant": "Permissions management",
		"createkey": "Write",
		"decapsulate": "Write",
		"decrypt": "Write",
		"deletealias": "Write",
		"deletecustomkeystore": "Write",
		"deleteimportedkeymaterial": "Write",
		"derivesharedsecret": "Write",
		"describecustomkeystores": "Read",
		"describekey": "Read",
		"disablekey": "Write",
		"disablekeyrotation": "Write",
		"disconnectcustomkeystore": "Write",
		"enablekey": "Write",
		"enablekeyrotation": "Write",
		"encapsulate": "Write",
		"encrypt": "Write",
		"generatedatakey": "Write",
		"generatedatakeypair": "Write",
		"generatedatakeypairwithoutplaintext": "Write",
		"generatedatakeywithoutplaintext": "Write",
		"generatemac": "Write",
		"generaterandom": "Write",
		"getkeylastusage": "Read",
		"getkeypolicy": "Read",
		"getkeyrotationstatus": "Read",
		"getparametersforimport": "Read",
		"getpublickey": "Read",
		"importkeymaterial": "Write",
		"listaliases": "List",
		"listgrants": "List",
		"listkeypolicies": "List",
		"listkeyrotations": "List",
		"listkeys": "List",
		"listresourcetags": "List",
		"listretirablegrants": "List",
		"putkeypolicy": "Permissions management",
		"reencryptfrom": "Write",
		"reencryptto": "Write",
		"replicatekey": "Write",
		"retiregrant": "Permissions management",
		"revokegrant": "Permissions management",
		"rotatekeyondemand": "Write",
		"schedulekeydeletion": "Write",
		"sign": "Write",
		"synchronizemultiregionkey": "Write",
		"tagresource": "Tagging",
		"untagresource": "Tagging",
		"updatealias": "Write",
		"updatecustomkeystore": "Write",
		"updatekeydescription": "Write",
		"updateprimaryregion": "Write",
		"verify": "Write",
		"verifymac": "Write",
	},
	"secretsmanager": {
		"batchgetsecretvalue": "Read",
		"cancelrotatesecret": "Write",
		"createsecret": "Write",
		"deleteresourcepolicy": "Permissions management",
		"deletesecret": "Write",
		"describesecret": "Read",
		"getrandompassword": "Read",
		"getresourcepolicy": "Read",
		"getsecretvalue": "Read",
		"listsecrets": "List",
		"listsecretversionids": "Read",
		"putresourcepolicy": "Permissions management",
		"putsecretvalue": "Write",
		"removeregionsfromreplication": "Write",
		"replicatesecrettoregions": "Write",
		"restoresecret": "Write",
		"rotatesecret": "Write",
		"stopreplicationtoreplica": "Write",
		"tagresource": "Tagging",
		"untagresource": "Tagging",
		"updatesecret": "Write",
		"updatesecretversionstage": "Write",
		"validateresourcepolicy": "Permissions management",
	},
	"sts": {
		"assumerole": "Write",
		"assumerolewithsaml": "Write",
		"assumerolewithwebidentity": "Write",
		"assumeroot": "Write",
		"decodeauthorizationmessage": "Write",
		"getaccesskeyinfo": "Read",
		"getcalleridentity": "Read",
		"getdelegatedaccesstoken": "Read",
		"getfederationtoken": "Read",
		"getservicebearertoken": "Read",
		"getsessiontoken": "Read",
		"getwebidentitytoken": "Read",
		"setcontext": "Write",
		"setsourceidentity": "Write",
		"tagsession": "Tagging",
	},
}

# unverified lists the catalogued actions whose access level was set by analogy.
unverified := {
	"cloudtrail:createdashboard",
	"cloudtrail:deletedashboard",
	"cloudtrail:generatequery",
	"cloudtrail:getdashboard",
	"cloudtrail:geteventconfiguration",
	"cloudtrail:listdashboards",
	"cloudtrail:listinsightsdata",
	"cloudtrail:puteventconfiguration",
	"cloudtrail:searchsamplequeries",
	"cloudtrail:startdashboardrefresh",
	"cloudtrail:updatedashboard",
	"iam:acceptdelegationrequest",
	"iam:acquirerole",
	"iam:associatedelegationrequest",
	"iam:createdelegationrequest",
	"iam:disableoutboundwebidentityfederation",
	"iam:enableoutboundwebidentityfederation",
	"iam:getaccountproperties",
	"iam:getdelegationrequest",
	"iam:gethumanreadablesummary",
	"iam:getoutboundwebidentityfederationinfo",
	"iam:getroletemplateversion",
	"iam:listdelegationrequests",
	"iam:putaccountproperties",
	"iam:rejectdelegationrequest",
	"iam:senddelegationtoken",
	"iam:updatedelegationrequest",
	"kms:decapsulate",
	"kms:encapsulate",
	"kms:getkeylastusage",
	"sts:getdelegatedaccesstoken",
	"sts:getwebidentitytoken",
}

# candidate_services is the set of catalogued services an action pattern can name: its
# service part when that has no wildcard, else every catalogued service.
candidate_services(p) := {service} if {
	[service, _] := split(p, ":")
	not iam.wildcard(service)
} else := {service | some service, _ in catalogue}

# expand is the set of catalogued actions ("kms:decrypt") an IAM action pattern matches.
# Patterns of services outside the catalogue expand to the empty set. A pattern without
# wildcard is a lookup and "service:*" the service's catalogue; only other wildcards are
# matched action by action.
expand(pattern) := expand_lower(lower(pattern))

expand_lower(p) := {p |
	[service, name] := split(p, ":")
	catalogue[service][name]
} if {
	not iam.wildcard(p)
} else := service_actions(service) if {
	[service, name] := split(p, ":")
	name == "*"
	catalogue[service]
} else := {action |
	glob_p := iam.glob_pattern(p)
	some service in candidate_services(p)
	some name, _ in object.get(catalogue, service, {})
	action := concat(":", [service, name])
	glob.match(glob_p, null, action)
}

# grants_service holds when a statement grants every catalogued action of the service:
# a "*", "*:*" or "service:*" pattern, patterns whose expansions cover the service, or
# NotAction that leaves the whole service in.
grants_service(stmt, service) if {
	some pattern in object.get(stmt, "actions", [])
	lower(pattern) in {"*", "*:*", concat(":", [service, "*"])}
}

grants_service(stmt, service) if {
	count(iam.list_at(stmt, "not_actions")) == 0
	covered := {action |
		some pattern in object.get(stmt, "actions", [])
		some action in expand(pattern)
		startswith(action, concat("", [service, ":"]))
	}
	count(covered) == count(catalogue[service])
}

grants_service(stmt, service) if {
	not_actions := iam.list_at(stmt, "not_actions")
	count(not_actions) > 0
	every action in service_actions(service) {
		not iam.any_action_matches(not_actions, action)
	}
}

# level is the access level of a catalogued action; undefined for others.
level(action) := catalogue[service][name] if {
	[service, name] := split(lower(action), ":")
}

# service_actions is the set of every catalogued action of the service.
service_actions(service) := {concat(":", [service, name]) | some name, _ in catalogue[service]}

# granted is the set of catalogued actions a statement names: with NotAction, every
# catalogued action none of its patterns matches; else the expansion of its Action patterns.
granted(stmt) := {action |
	some service, names in catalogue
	some name, _ in names
	action := concat(":", [service, name])
	not iam.any_action_matches(not_actions, action)
} if {
	not_actions := iam.list_at(stmt, "not_actions")
	count(not_actions) > 0
} else := {action |
	some pattern in object.get(stmt, "actions", [])
	some action in expand(pattern)
}

# whole_services is the sorted list of catalogued services every action of which the
# set of actions holds.
whole_services(actions) := sort({service |
	some service, names in catalogue
	every name, _ in names {
		concat(":", [service, name]) in actions
	}
})

# by_level groups a set of catalogued actions by access level, each list sorted.
by_level(actions) := {lv: sort({a | some a in actions; level(a) == lv}) |
	some lv in levels
	some a in actions
	level(a) == lv
}

# unknown_patterns lists, sorted, the action patterns of a statement that name a
# catalogued service but match none of its actions: a typo or a retired action, which
# grants nothing.
unknown_patterns(stmt) := sort({pattern |
	some pattern in array.concat(iam.list_at(stmt, "actions"), iam.list_at(stmt, "not_actions"))
	[service, _] := split(lower(pattern), ":")
	catalogue[service]
	count(expand(pattern)) == 0
})
