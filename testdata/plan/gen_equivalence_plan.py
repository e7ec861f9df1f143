# Writes testdata/equivalence/plan.json: what `terraform show -json` (Terraform 1.9.5, AWS provider 5.x)
# prints for testdata/equivalence/main.tf. Written by hand from the plan format, not by running
# Terraform (that needs AWS credentials); attribute sets follow the provider schemas as recalled.
# Run from the package root: python3 testdata/plan/gen_equivalence_plan.py
import json, copy
P = "registry.terraform.io/hashicorp/aws"
def ref(*parts):  # "aws_vpc.main.id" -> refs list
    out=[]
    for p in parts:
        r, a = p.rsplit('.',1)
        out += [p, r]
    return {"references": out}
def c(v): return {"constant_value": v}

CD = json.dumps([{"essential":True,"image":"123456789012.dkr.ecr.eu-west-1.amazonaws.com/app:1.0","logConfiguration":{"logDriver":"awslogs","options":{"awslogs-group":"/ecs/app","awslogs-region":"eu-west-1","awslogs-stream-prefix":"app"}},"name":"app"}], separators=(',',':'), sort_keys=True)
ARP = json.dumps({"Statement":[{"Action":"sts:AssumeRole","Effect":"Allow","Principal":{"Service":"ecs-tasks.amazonaws.com"}}],"Version":"2012-10-17"}, separators=(',',':'), sort_keys=True)
EMPTY_RULE = {"description":"","ipv6_cidr_blocks":[],"prefix_list_ids":[],"security_groups":[],"self":False}
NULL_RULE = {"description":None,"ipv6_cidr_blocks":None,"prefix_list_ids":None,"security_groups":None,"self":None}
R = []  # (addr, type, name, schema_version, after, unknown(dict), sensitive(dict), exprs)
def res(t, n, sv, after, unknown, sens, exprs):
    R.append((f"{t}.{n}", t, n, sv, after, unknown, sens, exprs))

res("aws_vpc","main",1,
    {"assign_generated_ipv6_cidr_block":None,"cidr_block":"10.0.0.0/16","enable_dns_hostnames":True,"enable_dns_support":True,"instance_tenancy":"default","ipv4_ipam_pool_id":None,"ipv4_netmask_length":None,"ipv6_ipam_pool_id":None,"ipv6_netmask_length":None,"tags":None},
    {k:True for k in ["arn","default_network_acl_id","default_route_table_id","default_security_group_id","dhcp_options_id","enable_network_address_usage_metrics","id","ipv6_association_id","ipv6_cidr_block","ipv6_cidr_block_network_border_group","main_route_table_id","owner_id","tags_all"]},
    {"tags_all":{}},
    {"cidr_block":c("10.0.0.0/16"),"enable_dns_hostnames":c(True),"enable_dns_support":c(True)})
res("aws_subnet","private",1,
    {"assign_ipv6_address_on_creation":False,"cidr_block":"10.0.1.0/24","customer_owned_ipv4_pool":None,"enable_dns64":False,"enable_lni_at_device_index":None,"enable_resource_name_dns_a_record_on_launch":False,"enable_resource_name_dns_aaaa_record_on_launch":False,"ipv6_cidr_block":None,"ipv6_native":False,"map_customer_owned_ip_on_launch":None,"map_public_ip_on_launch":False,"outpost_arn":None,"tags":None,"timeouts":None},
    {k:True for k in ["arn","availability_zone","availability_zone_id","id","ipv6_cidr_block_association_id","owner_id","private_dns_hostname_type_on_launch","tags_all","vpc_id"]},
    {"tags_all":{}},
    {"cidr_block":c("10.0.1.0/24"),"vpc_id":ref("aws_vpc.main.id")})
res("aws_route_table","private",0,
    {"tags":None,"timeouts":None},
    {k:True for k in ["arn","id","owner_id","propagating_vgws","route","tags_all","vpc_id"]},
    {"propagating_vgws":[],"route":[],"tags_all":{}},
    {"vpc_id":ref("aws_vpc.main.id")})
res("aws_route_table_association","private",0,
    {"gateway_id":None,"timeouts":None},
    {k:True for k in ["id","route_table_id","subnet_id"]},
    {},
    {"route_table_id":ref("aws_route_table.private.id"),"subnet_id":ref("aws_subnet.private.id")})
sg_unknown = ["arn","id","name","name_prefix","owner_id","tags_all","vpc_id"]
res("aws_security_group","endpoints",1,
    {"description":"Managed by Terraform","ingress":[dict(EMPTY_RULE, cidr_blocks=["10.0.0.0/16"], from_port=443, protocol="tcp", to_port=443)],"revoke_rules_on_delete":False,"tags":None,"timeouts":None},
    dict({k:True for k in sg_unknown+["egress"]}, ingress=[{"cidr_blocks":[False],"ipv6_cidr_blocks":[],"prefix_list_ids":[],"security_groups":[]}]),
    {"egress":[],"ingress":[{"cidr_blocks":[False],"ipv6_cidr_blocks":[],"prefix_list_ids":[],"security_groups":[]}],"tags_all":{}},
    {"ingress":c([dict(NULL_RULE, cidr_blocks=["10.0.0.0/16"], from_port=443, protocol="tcp", to_port=443)]),"vpc_id":ref("aws_vpc.main.id")})
res("aws_security_group","task",1,
    {"description":"Managed by Terraform","egress":[dict(EMPTY_RULE, cidr_blocks=["0.0.0.0/0"], from_port=0, protocol="-1", to_port=0)],"revoke_rules_on_delete":False,"tags":None,"timeouts":None},
    dict({k:True for k in sg_unknown+["ingress"]}, egress=[{"cidr_blocks":[False],"ipv6_cidr_blocks":[],"prefix_list_ids":[],"security_groups":[]}]),
    {"egress":[{"cidr_blocks":[False],"ipv6_cidr_blocks":[],"prefix_list_ids":[],"security_groups":[]}],"ingress":[],"tags_all":{}},
    {"egress":c([dict(NULL_RULE, cidr_blocks=["0.0.0.0/0"], from_port=0, protocol="-1", to_port=0)]),"vpc_id":ref("aws_vpc.main.id")})
ep_unknown = ["arn","cidr_blocks","dns_entry","dns_options","id","ip_address_type","network_interface_ids","owner_id","policy","prefix_list_id","requester_managed","state","subnet_configuration","tags_all","vpc_id"]
ep_sens = {"cidr_blocks":[],"dns_entry":[],"dns_options":[],"network_interface_ids":[],"route_table_ids":[],"security_group_ids":[],"subnet_configuration":[],"subnet_ids":[],"tags_all":{}}
for n, svc in [("ecr_api","ecr.api"),("ecr_dkr","ecr.dkr")]:
    res("aws_vpc_endpoint",n,0,
        {"auto_accept":None,"private_dns_enabled":True,"service_name":f"com.amazonaws.eu-west-1.{svc}","tags":None,"timeouts":None,"vpc_endpoint_type":"Interface"},
        {k:True for k in ep_unknown+["route_table_ids","security_group_ids","subnet_ids"]},
        ep_sens,
        {"private_dns_enabled":c(True),"security_group_ids":ref("aws_security_group.endpoints.id"),"service_name":c(f"com.amazonaws.eu-west-1.{svc}"),"subnet_ids":ref("aws_subnet.private.id"),"vpc_endpoint_type":c("Interface"),"vpc_id":ref("aws_vpc.main.id")})
res("aws_vpc_endpoint","s3",0,
    {"auto_accept":None,"private_dns_enabled":False,"service_name":"com.amazonaws.eu-west-1.s3","tags":None,"timeouts":None,"vpc_endpoint_type":"Gateway"},
    {k:True for k in ep_unknown+["route_table_ids","security_group_ids","subnet_ids"]},
    ep_sens,
    {"route_table_ids":ref("aws_route_table.private.id"),"service_name":c("com.amazonaws.eu-west-1.s3"),"vpc_endpoint_type":c("Gateway"),"vpc_id":ref("aws_vpc.main.id")})
res("aws_iam_role","exec",0,
    {"assume_role_policy":ARP,"description":None,"force_detach_policies":False,"max_session_duration":3600,"name":"app-exec","path":"/","permissions_boundary":None,"tags":None},
    {k:True for k in ["arn","create_date","id","inline_policy","managed_policy_arns","name_prefix","tags_all","unique_id"]},
    {"inline_policy":[],"managed_policy_arns":[],"tags_all":{}},
    {"assume_role_policy":c(ARP),"name":c("app-exec")})
res("aws_iam_role_policy_attachment","exec",0,
    {"policy_arn":"arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy","role":"app-exec"},
    {"id":True},{},
    {"policy_arn":c("arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy"),"role":ref("aws_iam_role.exec.name")})
res("aws_cloudwatch_log_group","app",0,
    {"kms_key_id":None,"name":"/ecs/app","retention_in_days":0,"skip_destroy":False,"tags":None},
    {k:True for k in ["arn","id","log_group_class","name_prefix","tags_all"]},
    {"tags_all":{}},
    {"name":c("/ecs/app")})
res("aws_ecs_cluster","main",0,
    {"configuration":[],"name":"main","service_connect_defaults":[],"tags":None},
    {"arn":True,"configuration":[],"id":True,"service_connect_defaults":[],"setting":True,"tags_all":True},
    {"configuration":[],"service_connect_defaults":[],"setting":[],"tags_all":{}},
    {"name":c("main")})
res("aws_ecs_task_definition","app",1,
    {"container_definitions":CD,"cpu":"256","ephemeral_storage":[],"family":"app","inference_accelerator":[],"ipc_mode":None,"memory":"512","network_mode":"awsvpc","pid_mode":None,"placement_constraints":[],"proxy_configuration":[],"requires_compatibilities":["FARGATE"],"runtime_platform":[],"skip_destroy":False,"tags":None,"task_role_arn":None,"track_latest":False,"volume":[]},
    {"arn":True,"arn_without_revision":True,"ephemeral_storage":[],"execution_role_arn":True,"id":True,"inference_accelerator":[],"placement_constraints":[],"proxy_configuration":[],"requires_compatibilities":[False],"revision":True,"runtime_platform":[],"tags_all":True,"volume":[]},
    {"ephemeral_storage":[],"inference_accelerator":[],"placement_constraints":[],"proxy_configuration":[],"requires_compatibilities":[False],"runtime_platform":[],"tags_all":{},"volume":[]},
    {"container_definitions":ref("aws_cloudwatch_log_group.app.name"),"cpu":c("256"),"execution_role_arn":ref("aws_iam_role.exec.arn"),"family":c("app"),"memory":c("512"),"network_mode":c("awsvpc"),"requires_compatibilities":c(["FARGATE"])})
svc_lists = ["alarms","capacity_provider_strategy","deployment_circuit_breaker","deployment_controller","load_balancer","ordered_placement_strategy","placement_constraints","service_connect_configuration","service_registries","volume_configuration"]
res("aws_ecs_service","app",0,
    dict({k:[] for k in svc_lists}, **{"deployment_maximum_percent":200,"deployment_minimum_healthy_percent":100,"desired_count":1,"enable_ecs_managed_tags":False,"enable_execute_command":False,"force_new_deployment":None,"health_check_grace_period_seconds":None,"launch_type":"FARGATE","name":"app","network_configuration":[{"assign_public_ip":False}],"propagate_tags":None,"scheduling_strategy":"REPLICA","tags":None,"timeouts":None,"wait_for_steady_state":False}),
    dict({k:[] for k in svc_lists}, **{"cluster":True,"iam_role":True,"id":True,"network_configuration":[{"security_groups":True,"subnets":True}],"platform_version":True,"tags_all":True,"task_definition":True,"triggers":True}),
    dict({k:[] for k in svc_lists}, **{"network_configuration":[{"security_groups":[],"subnets":[]}],"tags_all":{},"triggers":{}}),
    {"cluster":ref("aws_ecs_cluster.main.id"),"desired_count":c(1),"launch_type":c("FARGATE"),"name":c("app"),"network_configuration":[{"assign_public_ip":c(False),"security_groups":ref("aws_security_group.task.id"),"subnets":ref("aws_subnet.private.id")}],"task_definition":ref("aws_ecs_task_definition.app.arn")})

R.sort(key=lambda r: r[0])
def strip_unknown(after, unknown):
    out = {}
    for k, v in after.items():
        if unknown.get(k) is True: continue
        out[k] = v
    return out
pv, rc, cfg, relevant = [], [], [], set()
def walk_refs(e):
    if isinstance(e, dict):
        if "references" in e:
            for r in e["references"]:
                p = r.split('.')
                if len(p) == 3: relevant.add((p[0]+'.'+p[1], p[2]))
        else:
            for v in e.values(): walk_refs(v)
    elif isinstance(e, list):
        for v in e: walk_refs(v)
for addr, t, n, sv, after, unknown, sens, exprs in R:
    vals = strip_unknown(after, unknown)
    pv.append({"address":addr,"mode":"managed","type":t,"name":n,"provider_name":P,"schema_version":sv,"values":vals,"sensitive_values":sens})
    full_after = dict(after)
    rc.append({"address":addr,"mode":"managed","type":t,"name":n,"provider_name":P,"change":{"actions":["create"],"before":None,"after":vals,"after_unknown":unknown,"before_sensitive":False,"after_sensitive":sens}})
    cfg.append({"address":addr,"mode":"managed","type":t,"name":n,"provider_config_key":"aws","expressions":exprs,"schema_version":sv})
    walk_refs(exprs)
rel = {}
for r, a in sorted(relevant):
    rel.setdefault(r, []).append(a)
plan = {
 "format_version":"1.2","terraform_version":"1.9.5",
 "planned_values":{"root_module":{"resources":pv}},
 "resource_changes":rc,
 "configuration":{"provider_config":{"aws":{"name":"aws","full_name":P,"expressions":{"region":c("eu-west-1")}}},"root_module":{"resources":cfg}},
 "relevant_attributes":[{"resource":r,"attribute":[a]} for r in sorted(rel) for a in rel[r]],
 "timestamp":"2026-11-28T17:30:00Z","applyable":True,"complete":True,"errored":False}
json.dump(plan, open("testdata/equivalence/plan.json","w"), indent=2)
open("testdata/equivalence/plan.json","a").write("\n")
print(len(R))
